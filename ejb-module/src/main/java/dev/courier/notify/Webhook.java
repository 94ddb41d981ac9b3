package dev.courier.notify;

import static dev.courier.json.Jsons.JSON;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * POSTs a notification to {@code courier.notifications.webhook-url} as {@code {"topic",
 * "messageId", "publishedAt", "properties", "body"}}, signed with HMAC-SHA256 of the body in {@code
 * X-Courier-Signature: sha256=<hex>} when {@code courier.notifications.webhook-secret} is set.
 */
@ApplicationScoped
public class Webhook {

  @Inject
  @ConfigProperty(name = "courier.notifications.webhook-url")
  Optional<String> url;

  @Inject
  @ConfigProperty(name = "courier.notifications.webhook-secret")
  Optional<String> secret;

  @Inject
  @ConfigProperty(name = "courier.notifications.webhook-timeout-seconds", defaultValue = "10")
  int timeoutSeconds;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How one POST went. */
  public enum Outcome {
    DELIVERED,
    /** nothing is configured to receive it */
    NO_RECEIVER,
    /** the receiver answered 5xx, 408, 429 or could not be reached: try again later */
    RETRY,
    /** the receiver refused it (another 4xx): it will not take it however often it is sent */
    REFUSED
  }

  public record Result(Outcome outcome, String detail) {}

  public Result post(Message message, JsonValue body) throws JMSException, InterruptedException {
    if (url.isEmpty() || url.get().isBlank()) {
      return new Result(Outcome.NO_RECEIVER, "courier.notifications.webhook-url is not set");
    }
    String payload = envelope(message, body);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url.get()))
            .timeout(Duration.ofSeconds(timeoutSeconds))
            .header("Content-Type", "application/json")
            .header("X-Courier-Message-Id", String.valueOf(message.getJMSMessageID()))
            .header(
                "X-Courier-Delivery", String.valueOf(message.getIntProperty("JMSXDeliveryCount")))
            .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
    if (secret.isPresent() && !secret.get().isBlank()) {
      request.header("X-Courier-Signature", "sha256=" + sign(payload, secret.get()));
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      String detail = "the webhook " + url.get() + " answered " + status;
      if (status >= 200 && status < 300) {
        return new Result(Outcome.DELIVERED, detail);
      }
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        return new Result(Outcome.REFUSED, detail);
      }
      return new Result(Outcome.RETRY, detail);
    } catch (IOException e) {
      return new Result(Outcome.RETRY, "the webhook " + url.get() + " is unreachable: " + e);
    }
  }

  private static String envelope(Message message, JsonValue body) throws JMSException {
    JsonObjectBuilder properties = JSON.createObjectBuilder();
    for (Object name : Collections.list(message.getPropertyNames())) {
      String property = (String) name;
      if (!property.startsWith("JMS") && !property.startsWith("_AMQ")) {
        properties.add(property, String.valueOf(message.getObjectProperty(property)));
      }
    }
    return JSON.createObjectBuilder()
        .add("topic", Notifications.TOPIC)
        .add("messageId", String.valueOf(message.getJMSMessageID()))
        .add("publishedAt", Instant.ofEpochMilli(message.getJMSTimestamp()).toString())
        .add("properties", properties)
        .add("body", body)
        .build()
        .toString();
  }

  static String sign(String payload, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
