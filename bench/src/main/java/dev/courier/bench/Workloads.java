package dev.courier.bench;

import jakarta.jms.CompletionListener;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * The workloads of {@code ../shared/peers} (BullMQ, Celery, raw Artemis) run against a running
 * Courier, printing the same JSON keys so that {@code summarize.py} puts Courier's row beside
 * theirs.
 *
 * <ul>
 *   <li>W1 enqueue: one producer submits {@code --n=20000} no-op tasks serially, each durable
 *       before the next, with the default queue paused (no worker running): over HTTP ({@code POST
 *       /api/tasks}, variant {@code http}), as batches of 1000 ({@code w1b_bulk_enqueue_per_s}),
 *       and as persistent JMS sends (variant {@code jms}).
 *   <li>W1 drain: the queue is resumed and drains the backlog; n / (last handler end - first
 *       handler start), from the tasks' own times.
 *   <li>W2: {@code --w2-n=2000} tasks at a fixed {@code --rate=200}/s, open loop (asynchronous
 *       sends; over HTTP, each request's due time is its submit time, so a request that waits for a
 *       free connection counts its wait); per task, handler start minus the submit time carried in
 *       its payload (microseconds of the wall clock both processes share).
 * </ul>
 *
 * HTTP goes through Apache HttpClient (blocking, HTTP/1.1, kept-alive connections), as a Java
 * user's code would; the JDK's HttpClient spends about 2 ms of its own on each request here.
 *
 * <p>Options: --repeats=3 --api=http://127.0.0.1:8080/api --broker=tcp://127.0.0.1:61616 --user
 * --password --timeout=300 (seconds per phase) --variants=http,jms.
 */
public final class Workloads {

  private final Map<String, String> options;
  private final URI api;
  private final String broker;
  private final String user;
  private final String password;
  private final int n;
  private final int w2n;
  private final int rate;
  private final Duration timeout;
  private final CloseableHttpClient http =
      HttpClients.custom()
          .setConnectionManager(
              PoolingHttpClientConnectionManagerBuilder.create()
                  .setMaxConnPerRoute(W2_CONNECTIONS)
                  .setMaxConnTotal(W2_CONNECTIONS)
                  .build())
          .disableAutomaticRetries()
          .build();

  /** Concurrent requests W2 may have under way over HTTP. */
  private static final int W2_CONNECTIONS = 16;

  Workloads(Map<String, String> options) {
    this.options = options;
    api = URI.create(options.getOrDefault("api", "http://127.0.0.1:8080/api") + "/");
    broker = options.getOrDefault("broker", "tcp://127.0.0.1:61616");
    user = options.getOrDefault("user", "courier");
    password = options.getOrDefault("password", "courier");
    n = Integer.parseInt(options.getOrDefault("n", "20000"));
    w2n = Integer.parseInt(options.getOrDefault("w2-n", "2000"));
    rate = Integer.parseInt(options.getOrDefault("rate", "200"));
    timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "300")));
  }

  void run() throws Exception {
    int repeats = Integer.parseInt(options.getOrDefault("repeats", "3"));
    List<String> variants = List.of(options.getOrDefault("variants", "http,jms").split(","));
    Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
    Map<String, List<String>> errors = new LinkedHashMap<>();
    Map<String, Integer> ok = new LinkedHashMap<>();
    get("queues/default"); // fails fast when Courier is not running
    for (int r = 1; r <= repeats; r++) {
      for (String variant : variants) {
        Map<String, List<Double>> of = figures.computeIfAbsent(variant, v -> new LinkedHashMap<>());
        try {
          Map<String, Double> run = variant.equals("jms") ? jms() : http();
          run.forEach((k, v) -> of.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
          ok.merge(variant, 1, Integer::sum);
          System.err.printf("courier %s run %d: %s%n", variant, r, run);
        } catch (Exception e) {
          errors.computeIfAbsent(variant, v -> new ArrayList<>()).add(e.toString());
          System.err.printf("courier %s run %d failed: %s%n", variant, r, e);
          post("queues/default/resume");
        }
      }
    }
    JsonObjectBuilder out = Json.createObjectBuilder().add("system", "courier");
    out.add("repeats", repeats);
    JsonObjectBuilder all = Json.createObjectBuilder();
    for (String variant : variants) {
      JsonObjectBuilder v = Json.createObjectBuilder();
      v.add("runs_ok", ok.getOrDefault(variant, 0));
      v.add("errors", Json.createArrayBuilder(errors.getOrDefault(variant, List.of())));
      figures.getOrDefault(variant, Map.of()).forEach((key, runs) -> v.add(key, summary(runs)));
      all.add(variant, v);
    }
    out.add("variants", all);
    System.out.println(out.build());
  }

  /** W1 over HTTP (serial, then in batches of 1000), then W2 over HTTP. */
  private Map<String, Double> http() throws Exception {
    Map<String, Double> run = new LinkedHashMap<>();
    Phase enqueue = new Phase();
    post("queues/default/pause");
    for (int i = 0; i < n; i++) {
      post("tasks", "{\"type\":\"noop\",\"payload\":{\"i\":" + i + "}}");
    }
    run.put("w1_enqueue_per_s", n / enqueue.seconds());
    run.put("w1_drain_per_s", drain(enqueue.start));

    Phase bulk = new Phase();
    post("queues/default/pause");
    for (int i = 0; i < n; i += 1000) {
      StringBuilder batch = new StringBuilder("[");
      for (int j = i; j < Math.min(n, i + 1000); j++) {
        batch.append(j == i ? "" : ",").append("{\"type\":\"noop\",\"payload\":{\"i\":");
        batch.append(j).append("}}");
      }
      post("tasks", batch.append(']').toString());
    }
    run.put("w1b_bulk_enqueue_per_s", n / bulk.seconds());
    run.put("w1b_drain_per_s", drain(bulk.start));

    Instant w2 = Instant.now();
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    ExecutorService senders = Executors.newFixedThreadPool(W2_CONNECTIONS);
    try {
      List<Future<JsonObject>> sent = new ArrayList<>(w2n);
      for (int i = 0; i < w2n; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += interval;
        String task = "{\"type\":\"noop\",\"payload\":{\"t\":" + micros() + "}}";
        sent.add(senders.submit(() -> post("tasks", task)));
      }
      for (var response : sent) {
        response.get(timeout.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
    }
    run.putAll(latencies(w2));
    return run;
  }

  /** W1 as serial persistent JMS sends (each blocks until the broker has journaled it), W2. */
  private Map<String, Double> jms() throws Exception {
    Map<String, Double> run = new LinkedHashMap<>();
    try (var factory = new ActiveMQConnectionFactory(broker, user, password);
        JMSContext jms = factory.createContext()) {
      var queue = jms.createQueue("courier.tasks");
      JMSProducer producer = jms.createProducer();
      post("queues/default/pause");
      Phase enqueue = new Phase();
      for (int i = 0; i < n; i++) {
        producer.send(queue, "{\"type\":\"noop\",\"payload\":{\"i\":" + i + "}}");
      }
      run.put("w1_enqueue_per_s", n / enqueue.seconds());
      run.put("w1_drain_per_s", drain(enqueue.start.minusMillis(5)));

      Instant w2 = Instant.now();
      var async = jms.createProducer();
      var done = new CountDownLatch(w2n);
      AtomicInteger failed = new AtomicInteger();
      async.setAsync(
          new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
              done.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
              failed.incrementAndGet();
              done.countDown();
            }
          });
      long interval = 1_000_000_000L / rate;
      long next = System.nanoTime();
      for (int i = 0; i < w2n; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += interval;
        async.send(queue, "{\"type\":\"noop\",\"payload\":{\"t\":" + micros() + "}}");
      }
      if (!done.await(timeout.toSeconds(), TimeUnit.SECONDS) || failed.get() > 0) {
        throw new IllegalStateException("W2: " + failed.get() + " sends failed or timed out");
      }
      run.putAll(latencies(w2.minusMillis(5)));
    }
    return run;
  }

  /** Resumes the default queue, waits for the backlog to drain; its rate from the tasks' times. */
  private double drain(Instant since) throws Exception {
    post("queues/default/resume");
    JsonObject stats = await(since, n);
    double seconds =
        Duration.between(
                    Instant.parse(stats.getString("firstStartedAt")),
                    Instant.parse(stats.getString("lastFinishedAt")))
                .toNanos()
            / 1e9;
    return n / seconds;
  }

  /** Waits until {@code count} no-op tasks created since then have succeeded; their stats. */
  private JsonObject await(Instant since, int count) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonObject queue = get("queues/default");
      if (queue.getJsonNumber("depth").longValue() == 0
          && queue.getJsonNumber("inFlight").longValue() == 0) {
        JsonObject stats = stats(since);
        if (stats.getJsonObject("byState").getInt("SUCCEEDED", 0) >= count) {
          return stats;
        }
      }
      Thread.sleep(500); // polling interval of a benchmark, not a test
    }
    throw new IllegalStateException("tasks since " + since + " did not finish: " + stats(since));
  }

  private JsonObject stats(Instant since) throws Exception {
    return get(
        "tasks/stats?type=noop&from="
            + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
  }

  /** W2's figures: handler start minus the submit time in each task's payload, in ms. */
  private Map<String, Double> latencies(Instant since) throws Exception {
    await(since, w2n);
    long[] micros = new long[w2n];
    int found = 0;
    for (int offset = 0; found < w2n; offset += 500) {
      JsonArray items =
          get("tasks?type=noop&limit=500&offset="
                  + offset
                  + "&from="
                  + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8))
              .getJsonArray("items");
      if (items.isEmpty()) {
        break;
      }
      for (JsonValue item : items) {
        JsonObject task = item.asJsonObject();
        Instant started = Instant.parse(task.getString("startedAt"));
        long submitted = task.getJsonObject("payload").getJsonNumber("t").longValue();
        micros[found++] =
            started.getEpochSecond() * 1_000_000 + started.getNano() / 1000 - submitted;
      }
    }
    long[] sorted = Arrays.copyOf(micros, found);
    Arrays.sort(sorted);
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("w2_p50_ms", percentile(sorted, 50) / 1000.0);
    figures.put("w2_p99_ms", percentile(sorted, 99) / 1000.0);
    figures.put("w2_max_ms", percentile(sorted, 100) / 1000.0);
    figures.put("w2_mean_ms", Arrays.stream(sorted).average().orElse(0) / 1000.0);
    return figures;
  }

  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
  }

  private static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  private static JsonObject summary(List<Double> runs) {
    double[] sorted = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    double min = sorted[0];
    double max = sorted[sorted.length - 1];
    var runsJson = Json.createArrayBuilder();
    runs.forEach(v -> runsJson.add(round(v)));
    return Json.createObjectBuilder()
        .add("median", round(median))
        .add("min", round(min))
        .add("max", round(max))
        .add("spread_pct", median == 0 ? 0 : round(100 * (max - min) / median))
        .add("runs", runsJson)
        .build();
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private final class Phase {
    final Instant start = Instant.now();
    final long started = System.nanoTime();

    double seconds() {
      return (System.nanoTime() - started) / 1e9;
    }
  }

  private <T extends HttpUriRequestBase> T authorized(T request) {
    request.setHeader(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    return request;
  }

  private JsonObject get(String path) throws Exception {
    return send(authorized(new HttpGet(api.resolve(path))));
  }

  private JsonObject post(String path) throws Exception {
    return send(authorized(new HttpPost(api.resolve(path))));
  }

  private JsonObject post(String path, String body) throws Exception {
    HttpPost post = authorized(new HttpPost(api.resolve(path)));
    post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
    return send(post);
  }

  private JsonObject send(HttpUriRequestBase request) throws Exception {
    return http.execute(
        request,
        response -> {
          String body =
              response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
          if (response.getCode() >= 300) {
            throw new IllegalStateException("Courier answered " + response.getCode() + ": " + body);
          }
          try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
          }
        });
  }
}
