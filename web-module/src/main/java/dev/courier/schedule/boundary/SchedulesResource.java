package dev.courier.schedule.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.json.Jsons;
import dev.courier.schedule.entity.ScheduleRequest;
import dev.courier.task.entity.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

@Path("schedules")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class SchedulesResource {

  @Inject Schedules schedules;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(String body) {
    ScheduleRequest request = ScheduleRequest.parse(body);
    JsonObject created =
        schedules
            .create(request)
            .orElseThrow(
                () ->
                    new ClientErrorException(
                        "a schedule named '" + request.name() + "' exists; PUT replaces it",
                        Response.Status.CONFLICT));
    return Response.created(uri.getAbsolutePathBuilder().path(request.name()).build())
        .entity(created.toString())
        .build();
  }

  @GET
  public String all() {
    JsonArrayBuilder all = JSON.createArrayBuilder();
    schedules.all().forEach(all::add);
    return all.build().toString();
  }

  @GET
  @Path("{name}")
  public String find(@PathParam("name") String name) {
    return schedules.find(name).orElseThrow(() -> notFound(name)).toString();
  }

  /** Creates or replaces the schedule with this name. */
  @PUT
  @Path("{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response save(@PathParam("name") String name, String body) {
    ScheduleRequest request = ScheduleRequest.parse(withName(body, name));
    Schedules.Saved saved = schedules.save(request);
    return (saved.created() ? Response.created(uri.getAbsolutePath()) : Response.ok())
        .entity(saved.schedule().toString())
        .build();
  }

  @DELETE
  @Path("{name}")
  public Response delete(@PathParam("name") String name) {
    if (!schedules.delete(name)) {
      throw notFound(name);
    }
    return Response.noContent().build();
  }

  @POST
  @Path("{name}/pause")
  public String pause(@PathParam("name") String name) {
    return schedules.enable(name, false).orElseThrow(() -> notFound(name)).toString();
  }

  @POST
  @Path("{name}/resume")
  public String resume(@PathParam("name") String name) {
    return schedules.enable(name, true).orElseThrow(() -> notFound(name)).toString();
  }

  /** Runs the schedule's task now; answers the task. */
  @POST
  @Path("{name}/trigger")
  public Response trigger(@PathParam("name") String name) {
    Task task = schedules.trigger(name).orElseThrow(() -> notFound(name));
    return Response.created(uri.getBaseUriBuilder().path("tasks").path(task.id()).build())
        .entity(task.toJson().toString())
        .build();
  }

  /** The name in the path wins; a different one in the body is a mistake worth reporting. */
  private static String withName(String body, String name) {
    JsonObject object;
    try {
      if (!(Jsons.parse(body == null ? "" : body) instanceof jakarta.json.JsonObject o)) {
        return body;
      }
      object = o;
    } catch (jakarta.json.JsonException e) {
      // the schedule's parser answers what is wrong with it
      return body;
    }
    if (object.containsKey("name") && !name.equals(object.getString("name", null))) {
      throw new BadRequestException(
          "the body names the schedule '"
              + object.get("name")
              + "' but the path names '"
              + name
              + "'");
    }
    return JSON.createObjectBuilder(object).add("name", name).build().toString();
  }

  private static NotFoundException notFound(String name) {
    return new NotFoundException("there is no schedule named '" + name + "'");
  }
}
