package dev.courier.task.boundary;

import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

@Path("tasks")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TasksResource {

  @Inject Tasks tasks;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response submit(String body) {
    Task task = tasks.submit(TaskRequest.parse(body));
    return Response.created(uri.getAbsolutePathBuilder().path(task.id()).build())
        .entity(task.toJson().toString())
        .build();
  }

  @GET
  @Path("stats")
  public String stats(@QueryParam("keyPrefix") String keyPrefix) {
    if (keyPrefix == null || keyPrefix.isBlank()) {
      throw new BadRequestException(
          "give the key prefix to count: GET /api/tasks/stats?keyPrefix=...");
    }
    return tasks.stats(keyPrefix).toJson().toString();
  }

  @GET
  @Path("{id}")
  public String find(@PathParam("id") String id) {
    return tasks
        .find(id)
        .orElseThrow(() -> new NotFoundException("there is no task with id " + id))
        .toJson()
        .toString();
  }

  /** Cancels a scheduled, enqueued or failed task; a finished or running one answers 409. */
  @DELETE
  @Path("{id}")
  public String cancel(@PathParam("id") String id) {
    return tasks
        .cancel(id)
        .orElseThrow(() -> new NotFoundException("there is no task with id " + id))
        .toJson()
        .toString();
  }

  @POST
  @Path("{id}/cancel")
  public String cancelByPost(@PathParam("id") String id) {
    return cancel(id);
  }

  @GET
  public String findByKey(@QueryParam("key") String key) {
    if (key == null || key.isBlank()) {
      throw new BadRequestException("give the key to look for: GET /api/tasks?key=...");
    }
    JsonArrayBuilder found = Json.createArrayBuilder();
    tasks.findByKey(key).forEach(task -> found.add(task.toJson()));
    return found.build().toString();
  }
}
