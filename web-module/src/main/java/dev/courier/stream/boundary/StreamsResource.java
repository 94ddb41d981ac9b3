package dev.courier.stream.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.problem.QueryParams;
import dev.courier.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Rolling aggregates of measurement streams. */
@Path("streams")
@Tag(name = "streams", description = "Rolling aggregates per key of measurement topics")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class StreamsResource {

  @Inject Streams streams;

  @GET
  @Operation(summary = "The streams Courier aggregates")
  public String all() {
    JsonArrayBuilder names = JSON.createArrayBuilder();
    Streams.NAMES.forEach(names::add);
    return names.build().toString();
  }

  @GET
  @Path("{name}")
  @Operation(summary = "Count, min, max and mean per key over the last windowSeconds (default 60)")
  public String window(
      @PathParam("name") String name,
      @QueryParam("windowSeconds") String windowSeconds,
      @QueryParam("key") String key) {
    int window =
        QueryParams.number("windowSeconds", windowSeconds, 60, 1, Streams.MAX_WINDOW_SECONDS);
    return streams.window(name, window, key == null || key.isBlank() ? null : key).toString();
  }
}
