package dev.courier.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.JMSContext;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of Courier (the JVM with its broker and its task store) while about 10,000 tasks are in
 * flight, submitted over HTTP (batches, and single requests that go on through the kill), STOMP
 * with receipts and JMS: after a restart on the same data, every task whose submission was answered
 * (201 or 200, a receipt, a completed send) ends SUCCEEDED, none is left in another state, and each
 * key has one task. A submission the kill cut off, sent again with its key after the restart, runs
 * its task.
 */
class CrashIT {

  private static final int HTTP_PORT = 18_095;
  private static final int BATCHES = 30;
  private static final int BATCH = 250;
  private static final int STOMP = 2000;
  private static final int JMS = 2000;

  /** Keys whose submission was answered, by how. */
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();

  /** Keys sent over HTTP one by one whose request got no answer (the kill cut it off). */
  private final Set<String> cutOff = ConcurrentHashMap.newKeySet();

  @Test
  void noAcceptedTaskIsLostStuckOrDoubledByAKillMinus9() throws Exception {
    Path data =
        Files.createDirectories(
            Path.of("target", "system-data", "crash-" + System.currentTimeMillis()));
    String prefix = "crash-" + UUID.randomUUID() + "-";
    try (MicroProcess courier =
        MicroProcess.start(
            "crash", HTTP_PORT, Map.of("courier.data.dir", data.toAbsolutePath().toString()))) {
      AtomicBoolean killed = new AtomicBoolean();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> submitting = new ArrayList<>();
      submitting.add(clients.submit(() -> batches(courier, prefix + "batch-", killed)));
      submitting.add(clients.submit(() -> stomp(prefix + "stomp-", killed)));
      submitting.add(clients.submit(() -> jms(prefix + "jms-", killed)));
      Future<?> stream = clients.submit(() -> stream(courier, prefix + "http-", killed));

      // kill it while tasks are running and more are coming
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> accepted.size() >= 8000 && succeeded(courier, prefix) >= 500);
      killed.set(true);
      courier.kill();
      for (Future<?> client : submitting) {
        client.get(1, TimeUnit.MINUTES);
      }
      stream.get(1, TimeUnit.MINUTES);
      clients.shutdown();

      courier.relaunch();
      // a client that got no answer sends its submission again, with its key
      for (String key : cutOff) {
        // its key may be held a moment for the submission the kill cut off (409, Retry-After)
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .ignoreExceptions()
            .until(() -> Api.post(courier.api() + "tasks", sleep(key)) != null);
        accepted.add(key);
      }
      assertThat(accepted).hasSizeGreaterThan(7000);

      // every accepted key gets its task, and every task with the prefix ends SUCCEEDED (a task
      // submitted over JMS or STOMP has no row before a worker takes its message)
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                Map<String, List<JsonObject>> byKey = tasks(courier, prefix);
                assertThat(byKey.keySet()).as("the keys of the tasks").containsAll(accepted);
                // tasks whose submission was cut off may exist too, but none may be stuck or
                // doubled
                byKey.forEach(
                    (key, tasks) -> {
                      assertThat(tasks).as("the tasks with key %s", key).hasSize(1);
                      assertThat(tasks.get(0).getString("state")).as(key).isEqualTo("SUCCEEDED");
                    });
              });
    }
  }

  private static String sleep(String key) {
    return "{\"type\":\"sleep\",\"payload\":{\"ms\":50},\"key\":\"" + key + "\"}";
  }

  /** HTTP batches, until the kill. */
  private void batches(MicroProcess courier, String prefix, AtomicBoolean killed) {
    for (int b = 0; b < BATCHES && !killed.get(); b++) {
      StringBuilder batch = new StringBuilder("[");
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        String key = prefix + (b * BATCH + i);
        keys.add(key);
        batch.append(i == 0 ? "" : ",").append(sleep(key));
      }
      try {
        Api.post(courier.api() + "tasks", batch.append(']').toString());
        accepted.addAll(keys);
      } catch (Exception e) {
        // cut off by the kill: the batch was not answered, so nothing of it counts as accepted
      }
    }
  }

  /** Single HTTP submissions, one after the other, through the kill and a little after it. */
  private void stream(MicroProcess courier, String prefix, AtomicBoolean killed) {
    for (int i = 0; i < 20_000; i++) {
      String key = prefix + i;
      try {
        Api.post(courier.api() + "tasks", sleep(key));
        accepted.add(key);
      } catch (Exception e) {
        cutOff.add(key);
        if (killed.get()) {
          return;
        }
      }
    }
  }

  /** STOMP frames with receipts: a task counts once its receipt came. */
  private void stomp(String prefix, AtomicBoolean killed) {
    try (Socket socket = new Socket("127.0.0.1", 61613)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          frame(
              "CONNECT\naccept-version:1.2\nhost:127.0.0.1\nlogin:"
                  + System.getProperty("courier.it.user")
                  + "\npasscode:"
                  + System.getProperty("courier.it.password")
                  + "\n\n"));
      readFrame(in);
      for (int i = 0; i < STOMP && !killed.get(); i++) {
        String key = prefix + i;
        String body = sleep(key);
        out.write(
            frame(
                "SEND\ndestination:courier.tasks\ndestination-type:ANYCAST\ncontent-type:"
                    + "application/json\ncontent-length:"
                    + body.getBytes(StandardCharsets.UTF_8).length
                    + "\nreceipt:"
                    + key
                    + "\n\n"
                    + body));
        if (readFrame(in).startsWith("RECEIPT")) {
          accepted.add(key);
        }
      }
    } catch (Exception e) {
      // the kill closed the connection: sends without a receipt do not count as accepted
    }
  }

  /** Persistent JMS sends: each returns once the broker has it durably. */
  private void jms(String prefix, AtomicBoolean killed) {
    try (var factory =
            new ActiveMQConnectionFactory(
                "tcp://127.0.0.1:61616",
                System.getProperty("courier.it.user"),
                System.getProperty("courier.it.password"));
        JMSContext jms = factory.createContext()) {
      var queue = jms.createQueue("courier.tasks");
      var producer = jms.createProducer();
      for (int i = 0; i < JMS && !killed.get(); i++) {
        String key = prefix + i;
        producer.send(queue, sleep(key));
        accepted.add(key);
      }
    } catch (Exception e) {
      // the kill closed the connection
    }
  }

  private static long succeeded(MicroProcess courier, String prefix) {
    try {
      return Api.get(courier.api() + "tasks/stats?keyPrefix=" + prefix)
          .asJsonObject()
          .getJsonObject("byState")
          .getInt("SUCCEEDED", 0);
    } catch (Exception e) {
      return 0;
    }
  }

  /** Every task with the prefix, by key (paged through the list, by its cursor). */
  private static Map<String, List<JsonObject>> tasks(MicroProcess courier, String prefix)
      throws Exception {
    Map<String, List<JsonObject>> byKey = new HashMap<>();
    String after = "";
    while (true) {
      JsonObject page =
          Api.get(courier.api() + "tasks?limit=500&keyPrefix=" + prefix + after).asJsonObject();
      for (JsonValue item : page.getJsonArray("items")) {
        JsonObject task = item.asJsonObject();
        byKey.computeIfAbsent(task.getString("key"), k -> new ArrayList<>()).add(task);
      }
      if (!page.containsKey("next")) {
        return byKey;
      }
      after = "&after=" + page.getString("next");
    }
  }

  private static byte[] frame(String text) {
    return (text + "\0").getBytes(StandardCharsets.UTF_8);
  }

  private static String readFrame(InputStream in) throws Exception {
    StringBuilder frame = new StringBuilder();
    for (int b = in.read(); b > 0; b = in.read()) {
      frame.append((char) b);
    }
    if (frame.length() == 0) {
      throw new IllegalStateException("the connection closed");
    }
    return frame.toString().replaceFirst("^\n+", "");
  }
}
