package dev.courier.bench;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Publish-to-subscriber throughput: persistent messages published to a topic with 1 and 4 durable
 * subscribers, each subscriber a JMS client; the time runs from the first send until every
 * subscriber has every message. Measured on Courier's broker (inside Payara Micro, with its
 * configuration and security) and on a raw Artemis broker started in this JVM with default settings
 * (persistent journal in a temporary folder, 127.0.0.1:61699), in one run. With {@code --api=...}
 * the Courier side also publishes through {@code POST /api/topics/{name}/messages}.
 */
final class PubSub {

  private final String courierBroker;
  private final String user;
  private final String password;
  private final URI api;
  private final int messages;
  private final int publishers;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Messages a request in the HTTP batch measurement. */
  private static final int API_BATCH = 100;

  PubSub(
      String courierBroker,
      String user,
      String password,
      URI api,
      int messages,
      int publishers,
      Duration timeout) {
    this.courierBroker = courierBroker;
    this.user = user;
    this.password = password;
    this.api = api;
    this.messages = messages;
    this.publishers = publishers;
    this.timeout = timeout;
  }

  void run() throws Exception {
    System.out.printf(
        "Pub/sub: %d persistent messages, %d publishers, durable subscribers each a JMS client%n",
        messages, publishers);
    Path dir = Files.createTempDirectory("raw-artemis-");
    EmbeddedActiveMQ raw = new EmbeddedActiveMQ();
    raw.setConfiguration(
        new ConfigurationImpl()
            .setName("raw")
            .setPersistenceEnabled(true)
            .setSecurityEnabled(false)
            // Courier's journal settings (broker.xml), so that only the broker's home differs
            .setJournalType(org.apache.activemq.artemis.core.server.JournalType.NIO)
            .setJournalDatasync(true)
            .setJournalBufferTimeout_NIO(500_000)
            .setJournalDirectory(dir.resolve("journal").toString())
            .setBindingsDirectory(dir.resolve("bindings").toString())
            .setPagingDirectory(dir.resolve("paging").toString())
            .setLargeMessagesDirectory(dir.resolve("large").toString())
            .addAcceptorConfiguration("raw", "tcp://127.0.0.1:61699"));
    raw.start();
    try {
      System.out.printf("%-52s %12s %16s%n", "", "messages/s", "deliveries/s");
      for (int subscribers : List.of(1, 4)) {
        print(
            "raw Artemis (this JVM), JMS publish, " + subscribers + " sub",
            measure("tcp://127.0.0.1:61699", subscribers, 0),
            subscribers);
        print(
            "Courier broker, JMS publish, " + subscribers + " sub",
            measure(courierBroker, subscribers, 0),
            subscribers);
        print(
            "Courier, publish over HTTP API, " + subscribers + " sub",
            measure(courierBroker, subscribers, 1),
            subscribers);
        print(
            "Courier, HTTP API, batches of " + API_BATCH + ", " + subscribers + " sub",
            measure(courierBroker, subscribers, API_BATCH),
            subscribers);
      }
    } finally {
      raw.stop();
    }
  }

  private void print(String name, double perSecond, int subscribers) {
    System.out.printf("%-52s %12.0f %16.0f%n", name, perSecond, perSecond * subscribers);
  }

  /**
   * Messages per second from the first publish until every subscriber has them all; published with
   * JMS ({@code perRequest} 0) or over the HTTP API, {@code perRequest} messages a request.
   */
  private double measure(String broker, int subscribers, int perRequest) throws Exception {
    String topic = "bench.pubsub." + UUID.randomUUID();
    CountDownLatch all = new CountDownLatch(messages * subscribers);
    List<Connection> connections = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    List<MessageConsumer> consumers = new ArrayList<>();
    try (var factory = new ActiveMQConnectionFactory(broker, user, password)) {
      for (int s = 0; s < subscribers; s++) {
        Connection connection = factory.createConnection();
        connection.setClientID("bench-" + UUID.randomUUID());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer =
            session.createDurableSubscriber(session.createTopic(topic), "sub" + s);
        consumer.setMessageListener(m -> all.countDown());
        connection.start();
        connections.add(connection);
        sessions.add(session);
        consumers.add(consumer);
      }
      long start = System.nanoTime();
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(publishers);
      List<Future<?>> sends = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        sends.add(
            pool.submit(
                () -> {
                  if (perRequest > 0) {
                    for (int i = next.getAndAdd(perRequest);
                        i < messages;
                        i = next.getAndAdd(perRequest)) {
                      publishOverApi(topic, i, Math.min(perRequest, messages - i), perRequest > 1);
                    }
                    return null;
                  }
                  try (Connection connection = factory.createConnection()) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createTopic(topic));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                      producer.send(session.createTextMessage("{\"n\":" + i + "}"));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : sends) {
        f.get();
      }
      pool.shutdown();
      if (!all.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
        System.out.printf(
            "  (only %d deliveries arrived in time)%n", messages * subscribers - all.getCount());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // the subscriptions go away with the measurement
      for (int s = 0; s < subscribers; s++) {
        consumers.get(s).close();
        sessions.get(s).unsubscribe("sub" + s);
        connections.get(s).close();
      }
      return messages / seconds;
    }
  }

  private void publishOverApi(String topic, int first, int count, boolean batch) throws Exception {
    StringBuilder body = new StringBuilder(batch ? "[" : "");
    for (int i = first; i < first + count; i++) {
      body.append(i == first ? "" : ",").append("{\"body\":{\"n\":").append(i).append("}}");
    }
    body.append(batch ? "]" : "");
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(api.resolve("topics/" + topic + "/messages"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException(
          "publish answered " + response.statusCode() + ": " + response.body());
    }
  }
}
