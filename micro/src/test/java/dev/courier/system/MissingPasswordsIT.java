package dev.courier.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Started without the passwords it needs, the server runs without Courier's application; its
 * readiness says so (503, DOWN, with the missing settings named) instead of an empty UP.
 */
class MissingPasswordsIT {

  private static final int HTTP_PORT = 18_280;

  @Test
  void readinessIsDownAndNamesTheMissingPasswordsWhenCourierCouldNotDeploy() throws Exception {
    try (MicroProcess server = MicroProcess.startWithoutPasswords("no-passwords", HTTP_PORT)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create(server.root() + "health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      JsonObject health = Json.createReader(new StringReader(ready.body())).readObject();
      assertThat(health.getString("status")).isEqualTo("DOWN");
      JsonObject check =
          health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
              .filter(c -> c.getString("name").equals("courier-application"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no courier-application check: " + health));
      assertThat(check.getString("status")).isEqualTo("DOWN");
      assertThat(check.getJsonObject("data").getString("missing"))
          .contains("courier.broker.password", "courier.db.password");

      HttpResponse<String> api =
          http.send(
              HttpRequest.newBuilder(URI.create(server.api() + "queues")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(api.statusCode()).as("Courier's API is not deployed").isEqualTo(404);
    }
  }
}
