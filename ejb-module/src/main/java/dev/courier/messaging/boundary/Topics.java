package dev.courier.messaging.boundary;

import static dev.courier.broker.control.Management.call;
import static dev.courier.json.Jsons.JSON;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.broker.control.Management;
import dev.courier.messaging.entity.NotPermitted;
import dev.courier.messaging.entity.Publication;
import dev.courier.messaging.entity.UnknownTopic;
import dev.courier.task.control.TaskMessages;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.api.core.management.AddressControl;
import org.apache.activemq.artemis.api.core.management.QueueControl;

/**
 * Topics are the broker's multicast addresses (declared in broker.xml); each subscription is a
 * queue on one. Lists them with their subscriptions, publishes to them (in the caller's
 * transaction), and shows the messages that expired before anyone consumed them.
 */
@Stateless
public class Topics {

  /** Where messages whose time-to-live ran out go (expiry-address in broker.xml). */
  public static final String EXPIRY_QUEUE = "courier.expiry";

  @Inject EmbeddedBroker broker;

  @Inject
  @JMSConnectionFactory(TaskMessages.CONNECTION_FACTORY)
  JMSContext jms;

  /** The topics' names: multicast addresses that are not the broker's or Courier's own. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (String address : broker.addressNames()) {
      if (!internal(address) && isMulticast(address)) {
        names.add(address);
      }
    }
    names.sort(null);
    return names;
  }

  public List<JsonObject> all() {
    return names().stream().map(this::describe).toList();
  }

  public JsonObject describe(String topic) {
    AddressControl address = control(topic);
    JsonArrayBuilder subscriptions = JSON.createArrayBuilder();
    long waiting = 0;
    for (String queue : call(address::getQueueNames)) {
      QueueControl subscription = broker.queue(queue).orElse(null);
      if (subscription == null) {
        continue;
      }
      waiting += subscription.getMessageCount();
      JsonObjectBuilder json =
          JSON.createObjectBuilder()
              .add("name", queue)
              .add("durable", subscription.isDurable())
              .add("consumers", subscription.getConsumerCount())
              .add("depth", subscription.getMessageCount())
              .add("inFlight", subscription.getDeliveringCount())
              .add("delivered", subscription.getMessagesAcknowledged())
              .add("paused", subscription.isPaused());
      String filter = subscription.getFilter();
      if (filter != null && !filter.isBlank()) {
        json.add("selector", filter);
      }
      subscriptions.add(json);
    }
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("name", topic)
            .add("subscriptions", subscriptions)
            .add("waiting", waiting);
    broker
        .queue(topic + ".dlq")
        .ifPresent(
            dlq ->
                json.add("deadLetters", dlq.getMessageCount())
                    .add("deadLetterQueue", topic + ".dlq"));
    return json.build();
  }

  /**
   * Stops delivery from one subscription to its consumers on every instance; the messages wait in
   * it, and the pause survives a restart.
   */
  public JsonObject pause(String topic, String subscription) {
    QueueControl queue = subscription(topic, subscription);
    Management.run(() -> queue.pause(true));
    return describe(topic);
  }

  public JsonObject resume(String topic, String subscription) {
    QueueControl queue = subscription(topic, subscription);
    Management.run(queue::resume);
    return describe(topic);
  }

  private QueueControl subscription(String topic, String subscription) {
    AddressControl address = control(topic);
    List<String> subscriptions = Arrays.asList(call(address::getQueueNames));
    if (!subscriptions.contains(subscription)) {
      throw new UnknownTopic("subscription of " + topic, subscription, subscriptions);
    }
    return broker
        .queue(subscription)
        .orElseThrow(
            () -> new UnknownTopic("subscription of " + topic, subscription, subscriptions));
  }

  /**
   * Publishes one message. It needs no transaction of its own (one send, nothing else to commit
   * with it): outside one the send is a plain persistent send, which the broker confirms before
   * this returns. Courier's own account sends it, on behalf of a user whose roles must have the
   * send permission on the topic in the broker's security-settings, as they would if the user sent
   * it with a JMS, AMQP or STOMP client.
   */
  @TransactionAttribute(TransactionAttributeType.SUPPORTS)
  public Published publish(String topic, Publication publication, String user, Set<String> roles) {
    permitted(topic, user, roles);
    return send(topic, publication);
  }

  /**
   * Publishes a batch in one transaction (the default, REQUIRED): subscribers get all of it or,
   * should a send fail, none of it, and the broker syncs its journal once for the batch instead of
   * once a message.
   */
  public List<Published> publishAll(
      String topic, List<Publication> batch, String user, Set<String> roles) {
    permitted(topic, user, roles);
    return batch.stream().map(publication -> send(topic, publication)).toList();
  }

  private void permitted(String topic, String user, Set<String> roles) {
    control(topic);
    if (!broker.maySend(roles, topic)) {
      throw new NotPermitted(user, roles, topic);
    }
  }

  private Published send(String topic, Publication publication) {
    try {
      TextMessage message = jms.createTextMessage(publication.body().toString());
      for (Map.Entry<String, Object> property : publication.properties().entrySet()) {
        message.setObjectProperty(property.getKey(), property.getValue());
      }
      if (publication.groupKey() != null) {
        message.setStringProperty("JMSXGroupID", publication.groupKey());
      }
      JMSProducer producer = jms.createProducer().setPriority(publication.priority());
      if (publication.ttl() != null) {
        producer.setTimeToLive(publication.ttl().toMillis());
      }
      producer.send(jms.createTopic(topic), message);
      return new Published(message.getJMSMessageID(), topic, Instant.now());
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    }
  }

  /** A published message: its JMS message id, for tracing it to its subscribers. */
  public record Published(String messageId, String topic, Instant at) {}

  /** Messages whose time-to-live ran out before a consumer took them, oldest first. */
  public List<JsonObject> expired(int limit) {
    QueueControl expiry = expiryQueue();
    Map<String, Object>[] messages = call(() -> expiry.listMessages(null));
    List<JsonObject> found = new ArrayList<>();
    for (int i = 0; i < messages.length && found.size() < limit; i++) {
      found.add(expiredMessage(messages[i]));
    }
    return found;
  }

  public long expiredCount() {
    return expiryQueue().getMessageCount();
  }

  /** Removes every expired message; answers how many. */
  public int purgeExpired() {
    return call(expiryQueue()::removeAllMessages);
  }

  private static JsonObject expiredMessage(Map<String, Object> message) {
    JsonObjectBuilder json =
        JSON.createObjectBuilder().add("messageId", String.valueOf(message.get("messageID")));
    addString(json, "originalAddress", message.get("_AMQ_ORIG_ADDRESS"));
    addString(json, "originalQueue", message.get("_AMQ_ORIG_QUEUE"));
    addString(json, "originalMessageId", message.get("userID"));
    if (message.get("_AMQ_ACTUAL_EXPIRY") instanceof Number expiredAt) {
      json.add("expiredAt", Instant.ofEpochMilli(expiredAt.longValue()).toString());
    }
    if (message.get("timestamp") instanceof Number sent && sent.longValue() > 0) {
      json.add("sentAt", Instant.ofEpochMilli(sent.longValue()).toString());
    }
    JsonObjectBuilder properties = JSON.createObjectBuilder();
    message.forEach(
        (name, value) -> {
          if (value != null && isUserProperty(name)) {
            properties.add(name, value.toString());
          }
        });
    json.add("properties", properties);
    return json.build();
  }

  private static final List<String> HEADERS =
      Arrays.asList(
          "messageID",
          "userID",
          "address",
          "type",
          "durable",
          "expiration",
          "timestamp",
          "priority",
          "largeMessage",
          "redelivered",
          "persistentSize",
          "protocol");

  private static boolean isUserProperty(String name) {
    return !HEADERS.contains(name) && !name.startsWith("_AMQ") && !name.startsWith("__AMQ");
  }

  private static void addString(JsonObjectBuilder json, String name, Object value) {
    if (value != null) {
      json.add(name, value.toString());
    }
  }

  private QueueControl expiryQueue() {
    return broker
        .queue(EXPIRY_QUEUE)
        .orElseThrow(() -> new IllegalStateException("the broker has no queue " + EXPIRY_QUEUE));
  }

  private AddressControl control(String topic) {
    if (topic == null || internal(topic) || !isMulticast(topic)) {
      throw new UnknownTopic("topic", topic, names());
    }
    return broker.address(topic).orElseThrow(() -> new UnknownTopic("topic", topic, names()));
  }

  private boolean isMulticast(String address) {
    return broker
        .address(address)
        .map(a -> Arrays.asList(call(a::getRoutingTypes)).contains("MULTICAST"))
        .orElse(false);
  }

  private static boolean internal(String address) {
    return address.startsWith("courier.")
        || address.startsWith("activemq.")
        || address.startsWith("$")
        || address.endsWith(".dlq");
  }
}
