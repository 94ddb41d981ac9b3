package dev.courier.system;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The few HTTP calls the system tests make. */
final class Api {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Api() {}

  static JsonValue post(String url, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  static JsonValue get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
  }

  static JsonObject task(MicroProcess micro, String id) throws Exception {
    return get(micro.api() + "tasks/" + id).asJsonObject();
  }

  static long count(MicroProcess micro, String keyPrefix) throws Exception {
    return get(micro.api() + "tasks/stats?keyPrefix=" + keyPrefix)
        .asJsonObject()
        .getJsonNumber("count")
        .longValue();
  }

  /** The dev profile's user (micro/pom.xml). */
  private static final String AUTHORIZATION =
      "Basic "
          + java.util.Base64.getEncoder()
              .encodeToString(
                  (System.getProperty("courier.it.user", "courier")
                          + ":"
                          + System.getProperty("courier.it.password", "courier"))
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));

  private static JsonValue send(HttpRequest unauthenticated) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(unauthenticated, (name, value) -> true)
            .header("Authorization", AUTHORIZATION)
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          request.method()
              + " "
              + request.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    try (var reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readValue();
    }
  }
}
