package dev.courier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.it.handlers.LimitedHandler;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Drives a running Courier the way its users do: HTTP for the API, a JMS client over TCP. */
final class Courier {

  static final String BROKER = "tcp://127.0.0.1:61616";
  static final String TASKS = "courier.tasks";
  static final String DEAD_LETTERS = "courier.tasks.dlq";

  /** The broker account of the tests (the dev profile's, set in micro/pom.xml). */
  static final String USER = System.getProperty("courier.it.user", "courier");

  static final String PASSWORD = System.getProperty("courier.it.password", "courier");

  /** A JMS client of Courier's broker over its core protocol, logged in as the tests' user. */
  static ActiveMQConnectionFactory connectionFactory() {
    return new ActiveMQConnectionFactory(BROKER, USER, PASSWORD);
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI api;

  /** The Authorization header this client sends; null: none. */
  private final String authorization;

  /** Courier listens on loopback only; Arquillian names the host by its network name. */
  Courier(URL base) {
    this(URI.create("http://127.0.0.1:" + base.getPort() + "/api/"), basic(USER, PASSWORD));
  }

  private Courier(URI api, String authorization) {
    this.api = api;
    this.authorization = authorization;
  }

  /** The same Courier, called as another user (null: without credentials). */
  Courier as(String user, String password) {
    return new Courier(api, user == null ? null : basic(user, password));
  }

  static String basic(String user, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The war that `./mvnw package` built, deployed as it is. */
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(
            WebArchive.class, new File(System.getProperty("courier.it.war", "target/courier.war")))
        .addPackage(LimitedHandler.class.getPackage());
  }

  Response post(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(api.resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** Any method, with a body of raw bytes (null: none) and its Content-Type (null: none). */
  Response request(String method, String path, String contentType, byte[] body) {
    var builder =
        HttpRequest.newBuilder(api.resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder.build());
  }

  Response submit(String json) {
    return post("tasks", "application/json", json);
  }

  Response put(String path, String body) {
    return send(
        HttpRequest.newBuilder(api.resolve(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(api.resolve(path)).DELETE().build());
  }

  /** How many tasks have a key starting with the prefix (schedules key theirs by schedule). */
  long countWithKeyPrefix(String prefix) {
    return get("tasks/stats?keyPrefix=" + prefix)
        .json()
        .asJsonObject()
        .getJsonNumber("count")
        .longValue();
  }

  /** A path from the server's root, such as {@code health/ready} or {@code metrics}. */
  Response getFromRoot(String path) {
    return send(HttpRequest.newBuilder(api.resolve("/" + path)).GET().build());
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(api.resolve(path)).GET().build());
  }

  JsonObject task(String id) {
    Response response = get("tasks/" + id);
    assertThat(response.status()).isEqualTo(200);
    return response.json().asJsonObject();
  }

  List<JsonObject> tasksWithKey(String key) {
    return get("tasks?key=" + key)
        .json()
        .asJsonObject()
        .getJsonArray("items")
        .getValuesAs(JsonObject.class);
  }

  private Response send(HttpRequest unauthenticated) {
    HttpRequest request =
        authorization == null
            ? unauthenticated
            : HttpRequest.newBuilder(unauthenticated, (name, value) -> true)
                .header("Authorization", authorization)
                .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue("Location").orElse(null),
          response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends one message to the task queue as an outside JMS client would; answers its message id. */
  static String sendToTasks(MessageFactory factory) {
    try (ActiveMQConnectionFactory cf = connectionFactory();
        JMSContext jms = cf.createContext()) {
      Message message = factory.create(jms);
      jms.createProducer().send(jms.createQueue(TASKS), message);
      return message.getJMSMessageID();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sendText(String body) {
    return sendToTasks(jms -> jms.createTextMessage(body));
  }

  /** The messages in the dead-letter queue that match a JMS selector. */
  static List<Message> deadLetters(String selector) {
    try (ActiveMQConnectionFactory cf = connectionFactory();
        JMSContext jms = cf.createContext()) {
      Queue dlq = jms.createQueue(DEAD_LETTERS);
      try (QueueBrowser browser = jms.createBrowser(dlq, selector)) {
        return Collections.list(browser.getEnumeration()).stream()
            .map(Message.class::cast)
            .toList();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  interface MessageFactory {
    Message create(JMSContext jms) throws Exception;
  }

  record Response(int status, String contentType, String location, String body) {
    JsonValue json() {
      try (var reader = Json.createReader(new StringReader(body))) {
        return reader.readValue();
      }
    }

    JsonObject problem() {
      assertThat(contentType).startsWith("application/problem+json");
      JsonObject problem = json().asJsonObject();
      assertThat(problem.getInt("status")).isEqualTo(status);
      assertThat(problem.getString("type")).isNotBlank();
      assertThat(problem.getString("title")).isNotBlank();
      return problem;
    }
  }

  static Duration patience() {
    return Duration.ofSeconds(30);
  }
}
