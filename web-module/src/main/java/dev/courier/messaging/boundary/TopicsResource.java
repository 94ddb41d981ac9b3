package dev.courier.messaging.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.broker.control.Accounts;
import dev.courier.messaging.entity.Publication;
import dev.courier.problem.Admitted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Topics: their subscriptions, and publishing to them. */
@Path("topics")
@Tag(name = "topics", description = "Publish/subscribe: topics and their subscriptions")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class TopicsResource {

  @Inject Topics topics;

  @GET
  @Operation(summary = "The topics with their subscriptions (durable or not, selector, depth)")
  public String all() {
    JsonArrayBuilder all = JSON.createArrayBuilder();
    topics.all().forEach(all::add);
    return all.build().toString();
  }

  @GET
  @Path("{name}")
  @Operation(summary = "One topic with its subscriptions")
  public String one(@PathParam("name") String name) {
    return topics.describe(name).toString();
  }

  @POST
  @Path("{name}/subscriptions/{subscription}/pause")
  @Operation(summary = "Stop delivery from one subscription (its messages wait; survives restarts)")
  public String pause(
      @PathParam("name") String name, @PathParam("subscription") String subscription) {
    return topics.pause(name, subscription).toString();
  }

  @POST
  @Path("{name}/subscriptions/{subscription}/resume")
  @Operation(summary = "Restart delivery from a paused subscription")
  public String resume(
      @PathParam("name") String name, @PathParam("subscription") String subscription) {
    return topics.resume(name, subscription).toString();
  }

  @POST
  @Admitted
  @Path("{name}/messages")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "Publish a message to every subscription of the topic, or a batch of up to 1000 (a JSON"
              + " array of messages, published in one transaction: all or none)")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(
                    name = "notification",
                    value =
                        "{\"body\": {\"subject\": \"Order 17 shipped\", \"text\": \"It is on"
                            + " its way.\"}, \"properties\": {\"mailTo\": \"ada@example.com\","
                            + " \"event\": \"order.shipped\"}, \"priority\": 5,"
                            + " \"ttlSeconds\": 3600, \"groupKey\": \"order-17\"}"),
                @ExampleObject(
                    name = "batch",
                    value =
                        "[{\"body\": {\"key\": \"sensor-1\", \"value\": 21.5}},"
                            + " {\"body\": {\"key\": \"sensor-2\", \"value\": 19.0}}]")
              }))
  @APIResponse(
      responseCode = "202",
      description =
          "Published: the broker has the message ({messageId, topic, publishedAt}) or the whole"
              + " batch ({topic, published, messageIds, publishedAt})")
  @APIResponse(
      responseCode = "400",
      description = "Not a valid message, or a batch with one (problem body naming its index)")
  @APIResponse(
      responseCode = "403",
      description = "The broker's security-settings do not let the user's roles send to the topic")
  @APIResponse(responseCode = "404", description = "No such topic (problem body)")
  public Response publish(
      @PathParam("name") String name, String body, @Context SecurityContext caller) {
    Set<String> roles =
        Accounts.ROLES.stream()
            .filter(caller::isUserInRole)
            .collect(Collectors.toCollection(TreeSet::new));
    String user = caller.getUserPrincipal().getName();
    Publication.Request request = Publication.parse(body);
    JsonObjectBuilder answer = JSON.createObjectBuilder();
    if (request.batch()) {
      List<Topics.Published> published = topics.publishAll(name, request.messages(), user, roles);
      JsonArrayBuilder ids = JSON.createArrayBuilder();
      published.forEach(p -> ids.add(p.messageId()));
      answer
          .add("topic", name)
          .add("published", published.size())
          .add("messageIds", ids)
          .add("publishedAt", published.get(published.size() - 1).at().toString());
    } else {
      Topics.Published published = topics.publish(name, request.messages().get(0), user, roles);
      answer
          .add("messageId", published.messageId())
          .add("topic", published.topic())
          .add("publishedAt", published.at().toString());
    }
    return Response.accepted(answer.build().toString()).type(MediaType.APPLICATION_JSON).build();
  }
}
