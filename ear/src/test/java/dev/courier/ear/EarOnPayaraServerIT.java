package dev.courier.ear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The EAR on a full Payara Server, deployed the way an administrator would: a fresh domain (its own
 * port base, so it never meets a Courier running on 8080), the resource adapter, then the EAR.
 */
class EarOnPayaraServerIT {

  private static final int PORT_BASE = 28000;
  private static final int ADMIN_PORT = PORT_BASE + 48;
  private static final int HTTP_PORT = PORT_BASE + 80;
  private static final String DOMAIN = "courier-it";

  private static final Path PAYARA = Path.of(System.getProperty("courier.it.payara"));
  private static final Path WORK =
      Path.of(System.getProperty("courier.it.work"), Long.toString(System.currentTimeMillis()));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String AUTHORIZATION =
      "Basic " + java.util.Base64.getEncoder().encodeToString("ear:ear-pw".getBytes());
  private static final URI TASKS = URI.create("http://127.0.0.1:" + HTTP_PORT + "/api/tasks");

  @BeforeAll
  static void deployOnAFreshDomain() throws Exception {
    Files.createDirectories(WORK);
    asadmin(
        "create-domain",
        "--nopassword=true",
        "--domaindir",
        WORK.resolve("domains").toString(),
        "--portbase",
        Integer.toString(PORT_BASE),
        DOMAIN);
    asadmin("start-domain", "--domaindir", WORK.resolve("domains").toString(), DOMAIN);
    // Courier's own broker account: a system property the application (MicroProfile Config) and
    // the resource adapter's configuration (resolved by the server) both read; the database's
    // password
    admin(
        "create-system-properties",
        "courier.broker.password=ear-test-secret:courier.db.password=ear-db-secret"
            + ":courier.users=ear:courier.users.ear.password=ear-pw:courier.users.ear.roles=admin");
    admin(
        "create-resource-adapter-config",
        "--property",
        "UserName=courier-broker:Password=${courier.broker.password}",
        "courier-artemis");
    admin("deploy", "--name", "courier-artemis", System.getProperty("courier.it.rar"));
    admin("deploy", "--name", "courier", System.getProperty("courier.it.ear"));
  }

  @AfterAll
  static void stopTheDomain() throws Exception {
    asadmin(
        "stop-domain", "--kill=true", "--domaindir", WORK.resolve("domains").toString(), DOMAIN);
  }

  @Test
  void anEchoTaskSucceedsAndAFailingTaskDiesAfterFiveAttempts() throws Exception {
    String echo = submit("{\"type\":\"echo\",\"payload\":{\"on\":\"payara-server\"}}");
    String fail = submit("{\"type\":\"fail\",\"payload\":{\"message\":\"no luck\"}}");

    await().atMost(Duration.ofSeconds(60)).until(() -> state(echo).equals("SUCCEEDED"));
    assertThat(task(echo).getJsonObject("result").getString("on")).isEqualTo("payara-server");

    // the broker's own back-off: 1 s, 2 s, 4 s, 8 s with 10 % jitter
    await().atMost(Duration.ofSeconds(90)).until(() -> state(fail).equals("DEAD"));
    JsonObject dead = task(fail);
    assertThat(dead.getInt("attempts")).isEqualTo(5);
    assertThat(dead.getString("error")).isEqualTo("no luck");
  }

  @Test
  void badInputIsAProblemOnTheFullServerToo() throws Exception {
    HttpResponse<String> response = post("{\"type\":\"no.such.type\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response.body()).getString("detail")).contains("no.such.type");
  }

  private static String submit(String body) throws Exception {
    HttpResponse<String> response = post(body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json(response.body()).getString("id");
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(TASKS)
            .header("Authorization", AUTHORIZATION)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String state(String id) throws Exception {
    return task(id).getString("state");
  }

  private static JsonObject task(String id) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(TASKS + "/" + id))
                .header("Authorization", AUTHORIZATION)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body());
  }

  private static JsonObject json(String body) {
    try (var reader = Json.createReader(new StringReader(body))) {
      return reader.readObject();
    }
  }

  private static void admin(String... command) throws Exception {
    List<String> withPort = new ArrayList<>(List.of("--port", Integer.toString(ADMIN_PORT)));
    withPort.addAll(List.of(command));
    asadmin(withPort.toArray(String[]::new));
  }

  /** Runs asadmin and fails with its output if it does not succeed within three minutes. */
  private static void asadmin(String... arguments) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("bash", PAYARA.resolve("bin/asadmin").toString()));
    command.addAll(List.of(arguments));
    Path log = Files.createTempFile(WORK, "asadmin-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(3, TimeUnit.MINUTES);
    String output = Files.readString(log);
    System.out.println("asadmin " + String.join(" ", arguments) + "\n" + output);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished && process.exitValue() == 0)
        .as("asadmin %s failed:%n%s", String.join(" ", arguments), output)
        .isTrue();
  }
}
