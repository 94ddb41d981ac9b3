package dev.courier.logs.boundary;

import dev.courier.logs.Logs;
import dev.courier.problem.QueryParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the log aggregator stored from the {@code logs} topic. */
@Path("logs")
@Tag(name = "logs", description = "Log records aggregated from the logs topic")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class LogsResource {

  @Inject Logs logs;

  @GET
  @Operation(summary = "Stored log records, newest first, by level and source")
  public String search(
      @QueryParam("level") String level,
      @QueryParam("source") String source,
      @QueryParam("offset") String offset,
      @QueryParam("limit") String limit) {
    return logs.search(
            blankToNull(level),
            blankToNull(source),
            QueryParams.number("offset", offset, 0, 0, Integer.MAX_VALUE),
            QueryParams.number("limit", limit, 100, 1, 1000))
        .toString();
  }

  @GET
  @Path("counts")
  @Operation(summary = "How many records are stored: in all, per level, per source, batches")
  public String counts() {
    return logs.counts().toString();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
