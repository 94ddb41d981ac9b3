package dev.courier.stream;

import dev.courier.json.Jsons;
import dev.courier.json.Jsons.UnreadableBody;
import dev.courier.task.control.DeadLetters;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Aggregates the {@code measurements} topic: a durable, shared subscription ({@code
 * measurements-streams}) whose deliveries add {@code {"key": "sensor-1", "value": 21.5, "at":
 * "..."}} to the key's rolling aggregates (at: when measured, default when sent). A measurement
 * that cannot be read goes to {@code measurements.dlq} with the reason.
 */
@MessageDriven(
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "resourceAdapter",
          propertyValue = "courier-artemis"),
      @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
      @ActivationConfigProperty(
          propertyName = "destination",
          propertyValue = StreamAggregator.TOPIC),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Topic"),
      @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
      @ActivationConfigProperty(propertyName = "shareSubscriptions", propertyValue = "true"),
      @ActivationConfigProperty(
          propertyName = "subscriptionName",
          propertyValue = "measurements-streams"),
      @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")
    })
public class StreamAggregator implements MessageListener {

  static final String TOPIC = "measurements";

  @Inject Streams streams;
  @Inject DeadLetters deadLetters;

  @Override
  public void onMessage(Message message) {
    try {
      Measurement measurement;
      try {
        measurement = read(message);
      } catch (UnreadableBody | IllegalArgumentException | DateTimeException e) {
        deadLetters.sendTo(TOPIC + ".dlq", TOPIC, message, "not a measurement: " + e.getMessage());
        return;
      }
      streams.record(TOPIC, measurement.key(), measurement.value(), measurement.at());
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    }
  }

  private record Measurement(String key, double value, Instant at) {}

  private static Measurement read(Message message) throws JMSException, UnreadableBody {
    JsonObject json = Jsons.readObject(message);
    if (!(json.get("key") instanceof JsonString key)
        || key.getString().isBlank()
        || key.getString().length() > 200) {
      throw new IllegalArgumentException("'key' must be a string of 1 to 200 characters");
    }
    if (!(json.get("value") instanceof JsonNumber number)) {
      throw new IllegalArgumentException("'value' must be a number");
    }
    Instant at =
        json.get("at") instanceof JsonString when
            ? Instant.parse(when.getString())
            : Instant.ofEpochMilli(message.getJMSTimestamp());
    return new Measurement(key.getString(), number.doubleValue(), at);
  }
}
