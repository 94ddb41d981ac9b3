package dev.courier.messaging.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.problem.QueryParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Messages whose time-to-live ran out before a consumer took them (the expiry queue). */
@Path("messages/expired")
@Tag(name = "topics")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class MessagesResource {

  @Inject Topics topics;

  @GET
  @Operation(summary = "Expired messages, oldest first, with where they were and their properties")
  public String expired(@QueryParam("limit") String limit) {
    JsonArrayBuilder items = JSON.createArrayBuilder();
    topics.expired(QueryParams.number("limit", limit, 100, 1, 1000)).forEach(items::add);
    return JSON.createObjectBuilder()
        .add("total", topics.expiredCount())
        .add("items", items)
        .build()
        .toString();
  }

  @DELETE
  @Operation(summary = "Remove every expired message")
  public String purge() {
    return JSON.createObjectBuilder().add("removed", topics.purgeExpired()).build().toString();
  }
}
