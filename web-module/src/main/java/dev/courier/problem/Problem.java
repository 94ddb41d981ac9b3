package dev.courier.problem;

import static dev.courier.json.Jsons.JSON;

import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem body: what went wrong, in words a client can act on. */
public record Problem(String type, String title, int status, String detail) {

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPES = "https://courier.dev/problems/";

  public static Problem of(String slug, String title, Response.StatusType status, String detail) {
    return new Problem(TYPES + slug, title, status.getStatusCode(), detail);
  }

  /**
   * A problem named after its status: its reason phrase is the title and, in lower case, the slug.
   */
  public static Problem of(Response.StatusType status, String detail) {
    String title = status.getReasonPhrase();
    return of(title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'), title, status, detail);
  }

  public Response toResponse() {
    return Response.status(status).type(MEDIA_TYPE).entity(toJson()).build();
  }

  /** The problem's JSON text. */
  public String toJson() {
    return JSON.createObjectBuilder()
        .add("type", type)
        .add("title", title)
        .add("status", status)
        .add("detail", detail == null ? title : detail)
        .build()
        .toString();
  }
}
