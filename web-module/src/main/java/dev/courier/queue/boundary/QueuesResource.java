package dev.courier.queue.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.json.Jsons;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The task queues: depths, pause and resume, dead letters (list, retry, purge). */
@Path("queues")
@Tag(name = "queues", description = "Task queues: depths, pause and resume, dead letters")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class QueuesResource {

  @Inject QueueAdmin admin;

  @GET
  @Operation(summary = "The task queues with their depths, consumers and dead letters")
  public String all() {
    JsonArrayBuilder all = JSON.createArrayBuilder();
    admin.all().forEach(all::add);
    return all.build().toString();
  }

  @GET
  @Path("{name}")
  @Operation(summary = "One task queue")
  public String one(@PathParam("name") String name) {
    return admin.describe(name).toString();
  }

  @POST
  @Path("{name}/pause")
  @Operation(summary = "Stop delivery from the queue to every consumer")
  public String pause(@PathParam("name") String name) {
    return admin.pause(name).toString();
  }

  @POST
  @Path("{name}/resume")
  @Operation(summary = "Restart delivery from the queue")
  public String resume(@PathParam("name") String name) {
    return admin.resume(name).toString();
  }

  @GET
  @Path("{name}/dead-letters")
  @Operation(summary = "The queue's dead letters with their reason and last error")
  public String deadLetters(
      @PathParam("name") String name, @QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > 1000) {
      throw new BadRequestException("'limit' must be between 1 and 1000");
    }
    JsonArrayBuilder found = JSON.createArrayBuilder();
    admin.deadLetters(name, limit).forEach(found::add);
    return found.build().toString();
  }

  /** Retries dead letters: body {@code {"ids": ["<task id>", ...]}} or {@code {"all": true}}. */
  @POST
  @Path("{name}/dead-letters/retry")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Retry dead letters: ids, or all")
  public String retry(@PathParam("name") String name, String body) {
    int retried = admin.retry(name, selection(body));
    return JSON.createObjectBuilder().add("retried", retried).build().toString();
  }

  /** Purges the dead letters: all of them, or those of {@code ?ids=a,b}. */
  @DELETE
  @Path("{name}/dead-letters")
  @Operation(summary = "Purge dead letters: all, or those of ?ids=a,b")
  public String purge(@PathParam("name") String name, @QueryParam("ids") String ids) {
    List<String> selected =
        ids == null || ids.isBlank()
            ? List.of()
            : Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    int removed = admin.purge(name, selected);
    return JSON.createObjectBuilder().add("removed", removed).build().toString();
  }

  private static List<String> selection(String body) {
    JsonObject request;
    try {
      JsonValue value = Jsons.parse(body == null ? "" : body);
      if (!(value instanceof JsonObject o)) {
        throw new BadRequestException(
            "expected a JSON object: {\"ids\": [...]} or {\"all\": true}");
      }
      request = o;
    } catch (jakarta.json.JsonException e) {
      throw new BadRequestException("not valid JSON: " + e.getMessage());
    }
    boolean all = request.getBoolean("all", false);
    JsonValue ids = request.get("ids");
    if (all == (ids != null)) {
      throw new BadRequestException("give either \"ids\": [...] or \"all\": true");
    }
    if (all) {
      return List.of();
    }
    if (!(ids instanceof JsonArray array) || array.isEmpty()) {
      throw new BadRequestException("\"ids\" must be a non-empty array of task ids");
    }
    List<String> selected = new ArrayList<>();
    for (JsonValue id : array) {
      if (!(id instanceof JsonString s)) {
        throw new BadRequestException("\"ids\" must hold task ids as strings");
      }
      selected.add(s.getString());
    }
    return selected;
  }
}
