package dev.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.jms.Connection;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Courier as a message broker on Payara Micro: topics with durable, shared and selective
 * subscriptions, per-key ordering, expiry, the example subscribers (notifications by mail through
 * GreenMail on 127.0.0.1:3025 and by webhook to a JDK HttpServer on 127.0.0.1:18091, the log
 * aggregator, stream aggregates), and tasks submitted over AMQP 1.0 and STOMP.
 */
class MessagingIT extends CourierIT {

  private static final String WEBHOOK_SECRET = "it-secret";
  private static GreenMail mail;
  private static HttpServer web;

  /** Requests the webhook received, by message id. */
  private static final Map<String, List<Map<String, String>>> hooks = new ConcurrentHashMap<>();

  /** Message ids the webhook answers 503 to, and how many times more. */
  private static final Map<String, AtomicInteger> failHook = new ConcurrentHashMap<>();

  @BeforeAll
  static void startServers() throws IOException {
    mail = new GreenMail(new ServerSetup(3025, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 18091), 0);
    web.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String id = exchange.getRequestHeaders().getFirst("X-Courier-Message-Id");
          Map<String, String> seen = new HashMap<>();
          seen.put("body", new String(body, StandardCharsets.UTF_8));
          seen.put("delivery", exchange.getRequestHeaders().getFirst("X-Courier-Delivery"));
          seen.put("signature", exchange.getRequestHeaders().getFirst("X-Courier-Signature"));
          hooks.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(seen);
          AtomicInteger failures = failHook.get(id);
          int status = failures != null && failures.getAndDecrement() > 0 ? 503 : 204;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    web.start();
  }

  @AfterAll
  static void stopServers() {
    mail.stop();
    web.stop(0);
  }

  private String publish(String topic, String json) {
    var response = courier.post("topics/" + topic + "/messages", "application/json", json);
    assertThat(response.status()).as(response.body()).isEqualTo(202);
    return response.json().asJsonObject().getString("messageId");
  }

  private JsonObject subscription(String topic, String name) {
    return courier
        .get("topics/" + topic)
        .json()
        .asJsonObject()
        .getJsonArray("subscriptions")
        .getValuesAs(JsonObject.class)
        .stream()
        .filter(s -> s.getString("name").equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no subscription " + name + " on " + topic));
  }

  @Test
  void topicsAreListedWithTheirSubscriptionsAndBadPublicationsAreRefused() {
    JsonObject notifications = courier.get("topics/notifications").json().asJsonObject();
    assertThat(notifications.getString("deadLetterQueue")).isEqualTo("notifications.dlq");
    JsonObject mailSubscription = subscription("notifications", "notifications-mail");
    assertThat(mailSubscription.getBoolean("durable")).isTrue();
    assertThat(mailSubscription.getString("selector")).isEqualTo("mailTo IS NOT NULL");
    assertThat(mailSubscription.getInt("consumers")).isEqualTo(2);
    assertThat(subscription("notifications", "notifications-webhook").getInt("consumers"))
        .isEqualTo(4);
    assertThat(courier.get("topics").json().asJsonArray().getValuesAs(JsonObject.class))
        .extracting(t -> t.getString("name"))
        .contains("logs", "measurements", "notifications")
        .doesNotContain("courier.control", "courier.tasks");

    assertThat(
            courier
                .post("topics/nowhere/messages", "application/json", "{\"body\":{}}")
                .problem()
                .getString("detail"))
        .contains("no topic 'nowhere'");
    for (String bad :
        List.of(
            "{}",
            "{\"body\":{},\"priority\":12}",
            "{\"body\":{},\"ttlSeconds\":0}",
            "{\"body\":{},\"properties\":{\"JMSType\":\"x\"}}",
            "{\"body\":{},\"properties\":{\"nested\":{\"a\":1}}}",
            "{\"body\":{},\"colour\":\"red\"}",
            "not json")) {
      var response = courier.post("topics/measurements/messages", "application/json", bad);
      assertThat(response.status()).as(bad).isEqualTo(400);
      assertThat(response.problem().getString("title")).isEqualTo("Invalid message");
    }
  }

  @Test
  void aDurableSubscriberGetsWhatWasPublishedWhileItWasAway() throws Exception {
    String topic = "it.durable." + UUID.randomUUID();
    try (Connection connection = Courier.connectionFactory().createConnection()) {
      connection.setClientID("it-durable");
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      session.createDurableSubscriber(session.createTopic(topic), "away").close();
    }
    // the subscriber is gone; the broker keeps its subscription
    for (int i = 1; i <= 3; i++) {
      publish(topic, "{\"body\":{\"n\":" + i + "},\"properties\":{\"seq\":" + i + "}}");
    }
    JsonObject away = subscription(topic, "it-durable.away");
    assertThat(away.getBoolean("durable")).isTrue();
    assertThat(away.getInt("consumers")).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> subscription(topic, "it-durable.away").getInt("depth") == 3);

    List<String> bodies = new ArrayList<>();
    List<Long> sequence = new ArrayList<>();
    try (Connection connection = Courier.connectionFactory().createConnection()) {
      connection.setClientID("it-durable");
      connection.start();
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageConsumer back = session.createDurableSubscriber(session.createTopic(topic), "away");
      for (int i = 0; i < 3; i++) {
        TextMessage message = (TextMessage) back.receive(10_000);
        assertThat(message).as("message %d after coming back", i + 1).isNotNull();
        bodies.add(message.getText());
        sequence.add(message.getLongProperty("seq"));
      }
      assertThat(back.receive(500)).isNull();
    }
    assertThat(bodies).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    assertThat(sequence).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aSharedSubscriptionSplitsTheLoadAndSelectorsFilter() throws Exception {
    String topic = "it.shared." + UUID.randomUUID();
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    List<String> europe = new CopyOnWriteArrayList<>();
    try (ActiveMQConnectionFactory factory = Courier.connectionFactory();
        JMSContext a = factory.createContext();
        JMSContext b = factory.createContext();
        JMSContext c = factory.createContext()) {
      // small windows, so that one consumer does not buffer the whole burst
      Topic t = a.createTopic(topic);
      JMSConsumer one = a.createSharedDurableConsumer(t, "split");
      JMSConsumer two = b.createSharedDurableConsumer(b.createTopic(topic), "split");
      JMSConsumer eu =
          c.createSharedDurableConsumer(c.createTopic(topic), "eu-only", "region = 'eu'");
      one.setMessageListener(m -> first.add(text(m)));
      two.setMessageListener(m -> second.add(text(m)));
      eu.setMessageListener(m -> europe.add(text(m)));

      for (int i = 0; i < 60; i++) {
        String region = i % 3 == 0 ? "eu" : "us";
        publish(
            topic, "{\"body\":{\"n\":" + i + "},\"properties\":{\"region\":\"" + region + "\"}}");
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> first.size() + second.size() == 60 && europe.size() == 20);
      assertThat(first).as("first consumer of the shared subscription").isNotEmpty();
      assertThat(second).as("second consumer of the shared subscription").isNotEmpty();
      Set<String> all = new java.util.HashSet<>(first);
      all.addAll(second);
      assertThat(all).as("each message once").hasSize(60);
      assertThat(europe)
          .hasSize(20)
          .allSatisfy(
              body -> assertThat(Integer.parseInt(body.replaceAll("\\D", "")) % 3).isZero());
      assertThat(subscription(topic, "eu-only").getString("selector")).isEqualTo("region = 'eu'");
    }
  }

  @Test
  void messagesWithOneGroupKeyGoToOneConsumerOfASharedSubscriptionInOrder() throws Exception {
    String topic = "it.grouped." + UUID.randomUUID();
    Map<String, List<String>> consumerOf = new ConcurrentHashMap<>();
    Map<String, List<Long>> order = new ConcurrentHashMap<>();
    AtomicInteger received = new AtomicInteger();
    try (ActiveMQConnectionFactory factory = Courier.connectionFactory();
        JMSContext a = factory.createContext();
        JMSContext b = factory.createContext()) {
      int n = 0;
      for (JMSContext context : List.of(a, b)) {
        String consumer = "consumer-" + n++;
        context
            .createSharedDurableConsumer(context.createTopic(topic), "grouped")
            .setMessageListener(
                m -> {
                  try {
                    String group = m.getStringProperty("JMSXGroupID");
                    consumerOf
                        .computeIfAbsent(group, g -> new CopyOnWriteArrayList<>())
                        .add(consumer);
                    order
                        .computeIfAbsent(group, g -> new CopyOnWriteArrayList<>())
                        .add(m.getLongProperty("seq"));
                    received.incrementAndGet();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
      }
      for (int seq = 0; seq < 10; seq++) {
        for (String group : List.of("g1", "g2", "g3", "g4")) {
          publish(
              topic,
              "{\"body\":{},\"groupKey\":\"" + group + "\",\"properties\":{\"seq\":" + seq + "}}");
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> received.get() == 40);
    }
    for (String group : List.of("g1", "g2", "g3", "g4")) {
      assertThat(new java.util.HashSet<>(consumerOf.get(group)))
          .as("consumers of %s", group)
          .hasSize(1);
      assertThat(order.get(group))
          .as("order of %s", group)
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }
  }

  private static String text(Message message) {
    try {
      return ((TextMessage) message).getText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void tasksWithOneGroupKeyRunOneAtATimeInOrderWhileGroupsRunInParallel() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, List<String>> idsByGroup = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      for (String group : List.of("a", "b", "c")) {
        var response =
            courier.submit(
                "{\"type\":\"sleep\",\"payload\":{\"ms\":150},\"key\":\"grp-"
                    + run
                    + "-"
                    + group
                    + "-"
                    + i
                    + "\",\"groupKey\":\"order-"
                    + run
                    + "-"
                    + group
                    + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().asJsonObject().getString("groupKey"))
            .isEqualTo("order-" + run + "-" + group);
        idsByGroup
            .computeIfAbsent(group, g -> new ArrayList<>())
            .add(response.json().asJsonObject().getString("id"));
      }
    }
    List<String> all = idsByGroup.values().stream().flatMap(List::stream).toList();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                all.stream()
                    .allMatch(id -> courier.task(id).getString("state").equals("SUCCEEDED")));

    List<Instant[]> intervals = new ArrayList<>();
    for (var group : idsByGroup.entrySet()) {
      Instant previousEnd = Instant.MIN;
      for (String id : group.getValue()) {
        JsonObject task = courier.task(id);
        Instant started = Instant.parse(task.getString("startedAt"));
        Instant finished = Instant.parse(task.getString("finishedAt"));
        assertThat(started)
            .as("group %s: task %s starts after its predecessor finished", group.getKey(), id)
            .isAfterOrEqualTo(previousEnd);
        previousEnd = finished;
        intervals.add(new Instant[] {started, finished});
      }
    }
    // the default queue runs up to 16 tasks at once: different groups overlap
    int most = 0;
    for (Instant[] interval : intervals) {
      int overlapping = 0;
      for (Instant[] other : intervals) {
        if (other[0].isBefore(interval[1]) && interval[0].isBefore(other[1])) {
          overlapping++;
        }
      }
      most = Math.max(most, overlapping);
    }
    assertThat(most).as("tasks of different groups running at once").isGreaterThan(1);
  }

  @Test
  void aDeadLetterKeepsItsGroup() {
    String group = "dead-group-" + UUID.randomUUID();
    Courier.sendToTasks(
        jms -> {
          var message = jms.createTextMessage("{\"type\":\"no.such.type\"}");
          message.setStringProperty("JMSXGroupID", group);
          return message;
        });
    await()
        .atMost(Courier.patience())
        .until(() -> Courier.deadLetters("JMSXGroupID = '" + group + "'").size() == 1);
  }

  @Test
  void aMessageNobodyConsumesInTimeGoesToTheExpiryQueue() throws Exception {
    String topic = "it.expiring." + UUID.randomUUID();
    try (Connection connection = Courier.connectionFactory().createConnection()) {
      connection.setClientID("it-expiry");
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      session.createDurableSubscriber(session.createTopic(topic), "slow").close();
    }
    String marker = UUID.randomUUID().toString();
    publish(
        topic,
        "{\"body\":{\"late\":true},\"ttlSeconds\":1,\"properties\":{\"marker\":\""
            + marker
            + "\"}}");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonObject expired = courier.get("messages/expired?limit=1000").json().asJsonObject();
              assertThat(expired.getJsonArray("items").getValuesAs(JsonObject.class))
                  .anySatisfy(
                      m -> {
                        assertThat(m.getJsonObject("properties").getString("marker", ""))
                            .isEqualTo(marker);
                        assertThat(m.getString("originalAddress")).isEqualTo(topic);
                        assertThat(m.getString("expiredAt")).isNotBlank();
                      });
            });
    assertThat(subscription(topic, "it-expiry.slow").getInt("depth")).isZero();
  }

  @Test
  void aNotificationReachesTheMailAndWebhookSubscribersAndTheWebhookIsRetried() throws Exception {
    String to = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String id =
        publish(
            "notifications",
            "{\"body\":{\"subject\":\"Order 17 shipped\",\"text\":\"It is on its way.\"},"
                + "\"properties\":{\"mailTo\":\""
                + to
                + "\",\"event\":\"order.shipped\"}}");
    // this one fails twice at the receiver, then gets through
    String retried =
        publish(
            "notifications",
            "{\"body\":{\"subject\":\"No mail for this one\"},\"properties\":{\"event\":\"x\"}}");
    failHook.put(retried, new AtomicInteger(2));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> Arrays.stream(mail.getReceivedMessages()).anyMatch(m -> recipient(m).equals(to)));
    MimeMessage received =
        Arrays.stream(mail.getReceivedMessages())
            .filter(m -> recipient(m).equals(to))
            .findFirst()
            .orElseThrow();
    assertThat(received.getSubject()).isEqualTo("Order 17 shipped");
    assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(received))
        .contains("It is on its way.");

    await().atMost(Duration.ofSeconds(20)).until(() -> hooks.containsKey(id));
    Map<String, String> hook = hooks.get(id).get(0);
    JsonObject envelope =
        Json.createReader(new java.io.StringReader(hook.get("body"))).readObject();
    assertThat(envelope.getString("topic")).isEqualTo("notifications");
    assertThat(envelope.getJsonObject("properties").getString("event")).isEqualTo("order.shipped");
    assertThat(envelope.getJsonObject("body").getString("subject")).isEqualTo("Order 17 shipped");
    assertThat(hook.get("signature")).isEqualTo("sha256=" + hmac(hook.get("body")));

    // a 5xx answer is retried by the broker with the topic's back-off, the same message each time
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> hooks.getOrDefault(retried, List.of()).size() == 3);
    assertThat(hooks.get(retried))
        .extracting(h -> h.get("delivery"))
        .containsExactly("1", "2", "3");
    // selectors: the mail subscriber never saw the notification without a recipient
    assertThat(mail.getReceivedMessages())
        .noneMatch(m -> subject(m).equals("No mail for this one"));
  }

  @Test
  void aNotificationNoSubscriberCanReadIsDeadLetteredWithTheReason() throws Exception {
    long before =
        courier
            .get("topics/notifications")
            .json()
            .asJsonObject()
            .getJsonNumber("deadLetters")
            .longValue();
    try (ActiveMQConnectionFactory factory = Courier.connectionFactory();
        JMSContext jms = factory.createContext()) {
      TextMessage message = jms.createTextMessage("this is not JSON");
      message.setStringProperty("mailTo", "nobody@example.com");
      jms.createProducer().send(jms.createTopic("notifications"), message);
    }
    // both subscribers (mail and webhook) dead-letter their copy
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                courier
                        .get("topics/notifications")
                        .json()
                        .asJsonObject()
                        .getJsonNumber("deadLetters")
                        .longValue()
                    == before + 2);
    try (ActiveMQConnectionFactory factory = Courier.connectionFactory();
        JMSContext jms = factory.createContext();
        var browser = jms.createBrowser(jms.createQueue("notifications.dlq"))) {
      List<Message> dead =
          Collections.list(browser.getEnumeration()).stream().map(Message.class::cast).toList();
      assertThat(dead)
          .anySatisfy(
              m ->
                  assertThat(m.getStringProperty("courier_dead_reason"))
                      .startsWith("the body is not JSON"));
    }
  }

  @Test
  void theLogAggregatorStoresEveryRecordOfManyProducersInBatches() throws Exception {
    String source = "it-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> levels = List.of("INFO", "WARN", "ERROR", "DEBUG");
    int producers = 4;
    int each = 256; // a multiple of the four levels
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        sent.add(
            pool.submit(
                () -> {
                  try (ActiveMQConnectionFactory factory = Courier.connectionFactory();
                      JMSContext jms = factory.createContext()) {
                    var logs = jms.createTopic("logs");
                    for (int i = 0; i < each; i++) {
                      jms.createProducer()
                          .send(
                              logs,
                              "{\"level\":\""
                                  + levels.get(i % levels.size())
                                  + "\",\"source\":\""
                                  + source
                                  + "\",\"message\":\"producer "
                                  + producer
                                  + " record "
                                  + i
                                  + "\"}");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    // and one over the API, and one that is not a log record
    publish(
        "logs",
        "{\"body\":{\"level\":\"ERROR\",\"source\":\"" + source + "\",\"message\":\"via http\"}}");
    publish(
        "logs", "{\"body\":{\"level\":\"LOUD\",\"source\":\"" + source + "\",\"message\":\"?\"}}");

    int total = producers * each + 1;
    int perLevelSent = producers * each / levels.size();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                courier.get("logs?limit=1&source=" + source).json().asJsonObject().getInt("total")
                    == total);
    Map<String, Integer> perLevel = new HashMap<>();
    int sum = 0;
    for (String level : levels) {
      int count =
          courier
              .get("logs?limit=1&source=" + source + "&level=" + level)
              .json()
              .asJsonObject()
              .getInt("total");
      perLevel.put(level, count);
      sum += count;
    }
    assertThat(perLevel)
        .containsEntry("INFO", perLevelSent)
        .containsEntry("WARN", perLevelSent)
        .containsEntry("DEBUG", perLevelSent)
        .containsEntry("ERROR", perLevelSent + 1);
    assertThat(sum).isEqualTo(total);
    JsonObject page = courier.get("logs?limit=1000&source=" + source).json().asJsonObject();
    long batches =
        page.getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .map(r -> r.getString("batch"))
            .distinct()
            .count();
    assertThat(batches).as("batches for %d records", total).isLessThan(total / 10);
    JsonObject counts = courier.get("logs/counts").json().asJsonObject();
    assertThat(counts.getJsonObject("bySource").getInt(source)).isEqualTo(total);
    assertThat(
            courier
                .get("topics/logs")
                .json()
                .asJsonObject()
                .getJsonNumber("deadLetters")
                .longValue())
        .isPositive();
  }

  @Test
  void aStreamKeepsRollingAggregatesPerKey() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int v = 1; v <= 10; v++) {
      publish("measurements", "{\"body\":{\"key\":\"temp-" + run + "\",\"value\":" + v + "}}");
    }
    publish("measurements", "{\"body\":{\"key\":\"hum-" + run + "\",\"value\":40.5}}");
    publish("measurements", "{\"body\":{\"key\":\"hum-" + run + "\",\"value\":59.5}}");
    // an old measurement falls outside a short window
    publish(
        "measurements",
        "{\"body\":{\"key\":\"temp-"
            + run
            + "\",\"value\":99,\"at\":\""
            + Instant.now().minusSeconds(600)
            + "\"}}");

    // a burst of measurements of one key in one second: first measurements arrive on several
    // sessions at once and must all land in the one bucket
    String second = Instant.now().minusSeconds(5).toString();
    for (int v = 1; v <= 20; v++) {
      publish(
          "measurements",
          "{\"body\":{\"key\":\"burst-"
              + run
              + "\",\"value\":"
              + v
              + ",\"at\":\""
              + second
              + "\"}}");
    }

    // the subscription's four sessions take measurements in any order: wait for all of them
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonObject temp = key("temp-" + run, 60);
              assertThat(temp.getInt("count")).isEqualTo(10);
              assertThat(temp.getJsonNumber("min").doubleValue()).isEqualTo(1.0);
              assertThat(temp.getJsonNumber("max").doubleValue()).isEqualTo(10.0);
              assertThat(temp.getJsonNumber("mean").doubleValue()).isEqualTo(5.5);
              JsonObject humidity = key("hum-" + run, 60);
              assertThat(humidity.getInt("count")).isEqualTo(2);
              assertThat(humidity.getJsonNumber("mean").doubleValue()).isEqualTo(50.0);
              JsonObject hour = key("temp-" + run, 3600);
              assertThat(hour.getInt("count")).isEqualTo(11);
              assertThat(hour.getJsonNumber("max").doubleValue()).isEqualTo(99.0);
              JsonObject burst = key("burst-" + run, 60);
              assertThat(burst.getInt("count")).isEqualTo(20);
              assertThat(burst.getJsonNumber("min").doubleValue()).isEqualTo(1.0);
              assertThat(burst.getJsonNumber("max").doubleValue()).isEqualTo(20.0);
              assertThat(burst.getString("firstSecond")).isEqualTo(burst.getString("lastSecond"));
            });
    assertThat(courier.get("streams/nothing").status()).isEqualTo(404);
    assertThat(courier.get("streams/measurements?windowSeconds=0").status()).isEqualTo(400);
  }

  @Test
  void aBatchIsPublishedWholeInOneRequestOrNotAtAll() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    StringBuilder batch = new StringBuilder("[");
    for (int v = 1; v <= 50; v++) {
      batch.append(v == 1 ? "" : ",");
      batch.append("{\"body\":{\"key\":\"batch-" + run + "\",\"value\":" + v + "}}");
    }
    var published = courier.post("topics/measurements/messages", "application/json", batch + "]");
    assertThat(published.status()).as(published.body()).isEqualTo(202);
    JsonObject answer = published.json().asJsonObject();
    assertThat(answer.getInt("published")).isEqualTo(50);
    assertThat(answer.getJsonArray("messageIds").getValuesAs(jakarta.json.JsonString.class))
        .hasSize(50)
        .doesNotHaveDuplicates();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonObject aggregate = key("batch-" + run, 60);
              assertThat(aggregate.getInt("count")).isEqualTo(50);
              assertThat(aggregate.getJsonNumber("mean").doubleValue()).isEqualTo(25.5);
            });

    // one bad message refuses the whole batch, and says which one
    String refused = "refused-" + run;
    var bad =
        courier.post(
            "topics/measurements/messages",
            "application/json",
            "[{\"body\":{\"key\":\""
                + refused
                + "\",\"value\":1}},{\"body\":{\"key\":\""
                + refused
                + "\",\"value\":2},\"priority\":42}]");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.problem().getString("detail")).startsWith("message 1 of the batch:");
    StringBuilder tooMany = new StringBuilder("[");
    for (int i = 0; i <= 1000; i++) {
      tooMany.append(i == 0 ? "" : ",").append("{\"body\":1}");
    }
    for (String refusedBatch : List.of("[]", tooMany + "]", "[1]")) {
      var response = courier.post("topics/measurements/messages", "application/json", refusedBatch);
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.problem().getString("title")).isEqualTo("Invalid message");
    }
    // the one good message of the refused batch was not published: a later one is counted alone
    publish("measurements", "{\"body\":{\"key\":\"" + refused + "\",\"value\":7}}");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(key(refused, 60).getInt("count")).isEqualTo(1));
    assertThat(key(refused, 60).getJsonNumber("max").doubleValue()).isEqualTo(7.0);
  }

  private JsonObject key(String key, int window) {
    var keys =
        courier
            .get("streams/measurements?windowSeconds=" + window + "&key=" + key)
            .json()
            .asJsonObject()
            .getJsonArray("keys");
    assertThat(keys).hasSize(1);
    return keys.getJsonObject(0);
  }

  @Test
  void aTaskSubmittedOverAmqpRuns() throws Exception {
    String key = "amqp-" + UUID.randomUUID();
    var factory = new JmsConnectionFactory(Courier.USER, Courier.PASSWORD, "amqp://127.0.0.1:5672");
    try (JMSContext jms = factory.createContext()) {
      jms.createProducer()
          .send(
              jms.createQueue("courier.tasks"),
              "{\"type\":\"echo\",\"payload\":{\"via\":\"amqp\"},\"key\":\"" + key + "\"}");
    }
    await().atMost(Courier.patience()).until(() -> succeeded(key));
    assertThat(courier.tasksWithKey(key).get(0).getJsonObject("result").toString())
        .contains("amqp");
  }

  @Test
  void aTaskSubmittedOverStompRuns() throws Exception {
    String key = "stomp-" + UUID.randomUUID();
    try (Socket socket = new Socket("127.0.0.1", 61613)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          frame(
              "CONNECT\naccept-version:1.2\nhost:127.0.0.1\nlogin:"
                  + Courier.USER
                  + "\npasscode:"
                  + Courier.PASSWORD
                  + "\n\n"));
      assertThat(readFrame(in)).startsWith("CONNECTED");
      out.write(
          frame(
              "SEND\ndestination:courier.tasks\ndestination-type:ANYCAST\ncontent-type:application/json\nreceipt:sent-1\n\n"
                  + "{\"type\":\"echo\",\"payload\":{\"via\":\"stomp\"},\"key\":\""
                  + key
                  + "\"}"));
      assertThat(readFrame(in)).startsWith("RECEIPT").contains("receipt-id:sent-1");
      out.write(frame("DISCONNECT\n\n"));
    }
    await().atMost(Courier.patience()).until(() -> succeeded(key));
    assertThat(courier.tasksWithKey(key).get(0).getJsonObject("result").toString())
        .contains("stomp");
  }

  /**
   * Other languages' clients, as their users run them: stomp.py (it sends content-length, so the
   * task is a bytes message) and Qpid Proton (a string body, a binary Data section, a map). A good
   * submission becomes a task; a bad one is a dead letter with its reason after one delivery.
   */
  @Test
  void pythonStompAndProtonClientsSubmitTasksAndTheirBadMessagesAreDeadLettersAtOnce()
      throws Exception {
    String prefix = "py-" + UUID.randomUUID() + "-";
    Process python =
        new ProcessBuilder(
                "/usr/bin/python3",
                "src/test/python/submit_tasks.py",
                "127.0.0.1",
                "61613",
                "5672",
                Courier.USER,
                Courier.PASSWORD,
                prefix)
            .redirectErrorStream(true)
            .start();
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("the Python client ended").isTrue();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.exitValue()).as(output).isZero();

    for (String good : List.of("stomp-good", "amqp-string-good", "amqp-binary-good")) {
      await().atMost(Courier.patience()).until(() -> succeeded(prefix + good));
      List<JsonObject> tasks = courier.tasksWithKey(prefix + good);
      assertThat(tasks).as(good).hasSize(1);
      assertThat(tasks.get(0).getInt("attempts")).as(good).isEqualTo(1);
      assertThat(tasks.get(0).getJsonObject("result").toString()).as(good).contains(good);
    }
    Map<String, String> reasons =
        Map.of(
            "stomp-bad", "not valid JSON",
            "amqp-map-bad", "a MapMessage cannot carry a task",
            "amqp-binary-bad", "is not UTF-8 text");
    for (var bad : reasons.entrySet()) {
      await()
          .atMost(Courier.patience())
          .until(() -> !Courier.deadLetters("probe = '" + prefix + bad.getKey() + "'").isEmpty());
      List<Message> letters = Courier.deadLetters("probe = '" + prefix + bad.getKey() + "'");
      assertThat(letters).as(bad.getKey()).hasSize(1);
      assertThat(letters.get(0).getStringProperty("courier_dead_reason"))
          .as(bad.getKey())
          .contains(bad.getValue());
    }
  }

  @Test
  void everyAcceptorWantsAUserAndEachRoleMayDoOnlyItsPart() throws Exception {
    for (String[] login : new String[][] {{null, null}, {Courier.USER, "wrong"}}) {
      try (var factory = new ActiveMQConnectionFactory(Courier.BROKER, login[0], login[1])) {
        assertThatThrownBy(() -> factory.createContext().close())
            .as("core login %s", Arrays.toString(login))
            .isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
      }
      var amqp = new JmsConnectionFactory(login[0], login[1], "amqp://127.0.0.1:5672");
      // Qpid JMS connects on first use
      assertThatThrownBy(
              () -> {
                try (JMSContext jms = amqp.createContext()) {
                  jms.createProducer().send(jms.createQueue(Courier.TASKS), "{\"type\":\"echo\"}");
                }
              })
          .as("AMQP login %s", Arrays.toString(login))
          .isInstanceOf(jakarta.jms.JMSRuntimeException.class);
      try (Socket socket = new Socket("127.0.0.1", 61613)) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                frame(
                    "CONNECT\naccept-version:1.2\nhost:127.0.0.1\n"
                        + (login[0] == null
                            ? ""
                            : "login:" + login[0] + "\npasscode:" + login[1] + "\n")
                        + "\n"));
        assertThat(readFrame(socket.getInputStream())).startsWith("ERROR");
      }
    }

    // a submitter sends tasks and publishes, and may not read queues or send elsewhere
    String key = "submitter-" + UUID.randomUUID();
    try (var factory =
            new ActiveMQConnectionFactory(Courier.BROKER, "it-submitter", "it-submitter-pw");
        JMSContext jms = factory.createContext()) {
      jms.createProducer()
          .send(jms.createQueue(Courier.TASKS), "{\"type\":\"echo\",\"key\":\"" + key + "\"}");
      jms.createProducer()
          .send(jms.createTopic("measurements"), "{\"key\":\"x-" + key + "\",\"value\":1}");
      assertThatThrownBy(() -> jms.createConsumer(jms.createQueue(Courier.DEAD_LETTERS)).close())
          .isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
      assertThatThrownBy(() -> jms.createProducer().send(jms.createQueue("it.elsewhere"), "no"))
          .isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
    }
    await().atMost(Courier.patience()).until(() -> succeeded(key));
  }

  @Test
  void theApiPublishesForAUserOnlyWhereTheBrokerLetsItsRolesSend() throws Exception {
    // an admin's subscription creates a topic for which broker.xml gives submitters no send right
    String audit = "it-audit-" + UUID.randomUUID().toString().substring(0, 8);
    var submitter = courier.as("it-submitter", "it-submitter-pw");
    try (var factory = Courier.connectionFactory();
        JMSContext jms = factory.createContext()) {
      jms.setClientID("audit-reader-" + audit);
      try (JMSConsumer reader = jms.createDurableConsumer(jms.createTopic(audit), "reader")) {
        var refused =
            submitter.post(
                "topics/" + audit + "/messages", "application/json", "{\"body\":{\"n\":1}}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().asJsonObject().getString("detail"))
            .contains("it-submitter")
            .contains("may not send to '" + audit + "'");
        try (var asSubmitter =
                new ActiveMQConnectionFactory(Courier.BROKER, "it-submitter", "it-submitter-pw");
            JMSContext submitterJms = asSubmitter.createContext()) {
          assertThatThrownBy(
                  () -> submitterJms.createProducer().send(submitterJms.createTopic(audit), "no"))
              .as("the broker refuses the same send")
              .isInstanceOf(jakarta.jms.JMSSecurityRuntimeException.class);
        }
        var allowed =
            submitter.post(
                "topics/measurements/messages",
                "application/json",
                "{\"body\":{\"key\":\"" + audit + "\",\"value\":1}}");
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(202);

        var published =
            courier.post(
                "topics/" + audit + "/messages", "application/json", "{\"body\":{\"n\":2}}");
        assertThat(published.status()).as(published.body()).isEqualTo(202);
        assertThat(reader.receiveBody(String.class, 10_000))
            .as("only the admin's message")
            .isEqualTo("{\"n\":2}");
        assertThat(reader.receiveNoWait()).isNull();
      }
      jms.unsubscribe("reader");
    }
  }

  @Test
  void theArtemisCommandLineToolSubmitsATaskAndReadsTheQueues() throws Exception {
    String key = "cli-" + UUID.randomUUID();
    String sent =
        artemis(
            "producer",
            "--destination",
            "queue://courier.tasks",
            "--message-count",
            "1",
            "--message",
            "{\"type\":\"echo\",\"payload\":{\"via\":\"artemis producer\"},\"key\":\""
                + key
                + "\"}");
    assertThat(sent).contains("Produced: 1 messages");
    await().atMost(Courier.patience()).until(() -> succeeded(key));

    String stats = artemis("queue", "stat", "--queueName", "courier.tasks.dlq");
    assertThat(stats).contains("|courier.tasks.dlq|courier.tasks.dlq|").contains("MESSAGE");
  }

  /** Runs the Artemis command-line tool (module interop) against Courier's broker. */
  private static String artemis(String... command) throws Exception {
    String classpath =
        java.nio.file.Files.readString(
                java.nio.file.Path.of(
                    System.getProperty(
                        "courier.it.artemisCli", "../interop/target/artemis-cli.classpath")))
            .trim();
    List<String> line =
        new ArrayList<>(
            List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "org.apache.activemq.artemis.cli.Artemis"));
    line.addAll(Arrays.asList(command));
    line.addAll(
        List.of("--url", Courier.BROKER, "--user", Courier.USER, "--password", Courier.PASSWORD));
    java.nio.file.Path log = java.nio.file.Files.createTempFile("artemis-cli-", ".log");
    Process process =
        new ProcessBuilder(line)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = java.nio.file.Files.readString(log);
    assertThat(ended).as("the tool ended within 60 s: %s", output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private boolean succeeded(String key) {
    List<JsonObject> tasks = courier.tasksWithKey(key);
    return tasks.size() == 1 && tasks.get(0).getString("state").equals("SUCCEEDED");
  }

  private static byte[] frame(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] framed = Arrays.copyOf(bytes, bytes.length + 1);
    return framed; // ends with the NUL octet
  }

  private static String readFrame(InputStream in) throws IOException {
    var frame = new java.io.ByteArrayOutputStream();
    int b;
    while ((b = in.read()) > 0) {
      frame.write(b);
    }
    return frame.toString(StandardCharsets.UTF_8).stripLeading();
  }

  private static String recipient(MimeMessage message) {
    try {
      return message.getAllRecipients()[0].toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String subject(MimeMessage message) {
    try {
      return String.valueOf(message.getSubject());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
