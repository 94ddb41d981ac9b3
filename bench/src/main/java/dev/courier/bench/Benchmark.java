package dev.courier.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Pushes N echo tasks through JMS into a running Courier and, in the same run and on the same
 * broker, N plain JMS messages through a queue with the same settings, so that the two figures can
 * be compared. Options: --tasks=20000 --warmup=2000 --producers=4 --consumers=15
 * --broker=tcp://127.0.0.1:61616 --user=courier --password=courier --api=http://127.0.0.1:8080/api
 * --timeout=600 (seconds).
 *
 * <p>With --mode=schedule it measures scheduling precision instead: --tasks=10000 echo tasks with
 * due times spread evenly over --spread=60 seconds (the first due --lead=10 seconds after the run
 * starts), and reports how late each started against its due time, and the server's heap while they
 * wait.
 *
 * <p>With --mode=concurrency it runs --tasks=2000 {@code sleep} tasks of --sleep=2 ms on each of
 * the queues serial (1 handler at a time), media (4) and default (16), and reports tasks per second
 * against the ideal (handlers / sleep).
 *
 * <p>With --mode=backlog it pauses the default queue, sends --tasks=100000 echo tasks, reports the
 * queue (depth, paging) and the server's heap with the backlog in place, then resumes the queue and
 * reports how fast the backlog drains and the heap while it does.
 *
 * <p>The ready-made handlers: --mode=thumbnails writes --tasks=200 PNG images of 1600x1200 under
 * --images=./data/images/in and makes a 320 px JPEG and a 128 px PNG of each (queue media, 4 at a
 * time); --mode=email starts an SMTP server on 127.0.0.1:--smtp-port=3025 and sends one campaign to
 * --tasks=1000 recipients (start Courier with COURIER_MAIL_SMTP_PORT=3025); --mode=transform writes
 * a CSV of --mb=100 MB under --transform=./data/transform and converts it to JSON, sampling the
 * server's heap.
 */
public final class Benchmark {

  private record Result(String name, int count, double perSecond, long p50, long p99, long max) {}

  private final int tasks;
  private final int warmup;
  private final int producers;
  private final int consumers;
  private final String broker;
  private final String user;
  private final String password;
  private final URI api;
  private final Duration timeout;
  private final String mode;
  private final Duration spread;
  private final Duration lead;
  // HTTP/1.1, as most clients speak it: over h2c Payara keeps every HTTP/2 stream it served
  // (README, "Soak"), which the soak would measure instead of Courier
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Map<String, String> options;

  private Benchmark(Map<String, String> options) {
    this.options = options;
    tasks = Integer.parseInt(options.getOrDefault("tasks", "20000"));
    warmup = Integer.parseInt(options.getOrDefault("warmup", "2000"));
    producers = Integer.parseInt(options.getOrDefault("producers", "4"));
    consumers = Integer.parseInt(options.getOrDefault("consumers", "15"));
    broker = options.getOrDefault("broker", "tcp://127.0.0.1:61616");
    // the dev profile's user (README "Security"); the raw broker of a comparison ignores it
    user = options.getOrDefault("user", "courier");
    password = options.getOrDefault("password", "courier");
    api = URI.create(options.getOrDefault("api", "http://127.0.0.1:8080/api") + "/");
    timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "600")));
    mode = options.getOrDefault("mode", "throughput");
    spread = Duration.ofSeconds(Long.parseLong(options.getOrDefault("spread", "60")));
    lead = Duration.ofSeconds(Long.parseLong(options.getOrDefault("lead", "10")));
  }

  /** A request to Courier's API as the benchmark's user (HTTP Basic). */
  private HttpRequest.Builder authorized(URI uri) {
    return HttpRequest.newBuilder(uri)
        .header(
            "Authorization",
            "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString(
                        (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      String[] pair = arg.replaceFirst("^--", "").split("=", 2);
      options.put(pair[0], pair.length > 1 ? pair[1] : "true");
    }
    new Benchmark(options).run();
  }

  private void run() throws Exception {
    if (mode.equals("schedule")) {
      precision();
      return;
    }
    if (mode.equals("concurrency")) {
      concurrency();
      return;
    }
    if (mode.equals("soak")) {
      soak();
      return;
    }
    if (mode.equals("backlog")) {
      backlog();
      return;
    }
    if (mode.equals("thumbnails")) {
      thumbnails();
      return;
    }
    if (mode.equals("email")) {
      email();
      return;
    }
    if (mode.equals("pubsub")) {
      new PubSub(
              broker,
              user,
              password,
              api,
              Integer.parseInt(options.getOrDefault("messages", "20000")),
              Integer.parseInt(options.getOrDefault("publishers", "4")),
              timeout)
          .run();
      return;
    }
    if (mode.equals("peers")) {
      new Workloads(options).run();
      return;
    }
    if (mode.equals("transform")) {
      transform();
      return;
    }
    System.out.printf(
        "Courier benchmark: %d tasks (after %d warm-up), %d producers, broker %s, api %s%n",
        tasks, warmup, producers, broker, api);
    stats("none-" + UUID.randomUUID()); // fails fast when Courier is not running
    if (warmup > 0) {
      courier(warmup);
      raw(warmup);
    }
    Result raw = raw(tasks);
    Result courier = courier(tasks);
    System.out.println();
    System.out.printf("%-44s %10s %8s %8s %8s%n", "", "per s", "p50 ms", "p99 ms", "max ms");
    for (Result r : List.of(raw, courier)) {
      System.out.printf(
          "%-44s %10.0f %8d %8d %8d%n", r.name(), r.perSecond(), r.p50(), r.p99(), r.max());
    }
    System.out.printf(
        "%nratio Courier/raw JMS throughput: %.2f (latency: send-to-receive for raw JMS,"
            + " submit-to-start for Courier)%n",
        courier.perSecond() / raw.perSecond());
  }

  /** Scheduling precision: tasks due over a spread of time; lateness of each start. */
  private void precision() throws Exception {
    String prefix = "precision-" + UUID.randomUUID() + "-";
    Instant first = Instant.now().plus(lead);
    long spreadMillis = spread.toMillis();
    System.out.printf(
        "Courier scheduling precision: %d echo tasks due from %s over %d s, sent by JMS with runAt%n",
        tasks, first, spread.toSeconds());
    long heapBefore = heapUsed();
    try (var factory = new ActiveMQConnectionFactory(broker, user, password)) {
      send(
          factory,
          "courier.tasks",
          tasks,
          i ->
              "{\"type\":\"echo\",\"runAt\":\""
                  + first.plusMillis(spreadMillis * i / tasks)
                  + "\",\"key\":\""
                  + prefix
                  + i
                  + "\"}");
    }
    Instant sent = Instant.now();
    System.out.printf(
        "sent in %.1f s%n", Duration.between(first.minus(lead), sent).toMillis() / 1000.0);
    long heapMax = heapUsed();
    Instant deadline = first.plus(spread).plus(timeout);
    JsonObject stats = stats(prefix);
    while (succeeded(stats) < tasks && Instant.now().isBefore(deadline)) {
      Thread.sleep(1000); // sampling interval of a benchmark, not a test
      heapMax = Math.max(heapMax, heapUsed());
      stats = stats(prefix);
    }
    JsonObject lateness = stats.getJsonObject("latenessMs");
    System.out.println();
    System.out.printf(
        "tasks succeeded: %d of %d%nlateness of start against due time (ms): p50 %d, p99 %d, max %d%n",
        succeeded(stats),
        tasks,
        lateness.getJsonNumber("p50").longValue(),
        lateness.getJsonNumber("p99").longValue(),
        lateness.getJsonNumber("max").longValue());
    System.out.printf(
        "server heap used: %d MiB before, at most %d MiB while the tasks waited and ran%n",
        heapBefore >> 20, heapMax >> 20);
  }

  /** Sleep tasks through queues of 1, 4 and 16 concurrent handlers. */
  private void concurrency() throws Exception {
    int n = Integer.parseInt(options.getOrDefault("tasks", "2000"));
    int sleepMs = Integer.parseInt(options.getOrDefault("sleep", "2"));
    System.out.printf(
        "Courier concurrency: %d sleep tasks of %d ms per queue, sent by JMS to the queue%n",
        n, sleepMs);
    System.out.printf(
        "%-8s %9s %10s %10s %11s %8s%n",
        "queue", "handlers", "per s", "ideal/s", "efficiency", "p50 ms");
    for (var queue :
        List.of(Map.entry("serial", 1), Map.entry("media", 4), Map.entry("default", 16))) {
      String prefix = "conc-" + queue.getKey() + "-" + UUID.randomUUID() + "-";
      String address =
          queue.getKey().equals("default") ? "courier.tasks" : "courier.tasks." + queue.getKey();
      // the queue is paused while the tasks are sent: the figure is the handlers' pace, not the
      // sender's
      post("queues/" + queue.getKey() + "/pause");
      try (var factory = new ActiveMQConnectionFactory(broker, user, password)) {
        send(
            factory,
            address,
            n,
            i ->
                "{\"type\":\"sleep\",\"payload\":{\"ms\":"
                    + sleepMs
                    + "},\"queue\":\""
                    + queue.getKey()
                    + "\",\"key\":\""
                    + prefix
                    + i
                    + "\"}");
      }
      awaitDepth(queue.getKey(), n);
      Instant resumed = Instant.now();
      post("queues/" + queue.getKey() + "/resume");
      JsonObject stats = awaitSucceeded(prefix, n, 250);
      double seconds =
          Duration.between(resumed, Instant.parse(stats.getString("lastFinishedAt"))).toNanos()
              / 1e9;
      double perSecond = succeeded(stats) / seconds;
      double ideal = queue.getValue() * 1000.0 / sleepMs;
      System.out.printf(
          "%-8s %9d %10.0f %10.0f %10.0f%% %8d%n",
          queue.getKey(),
          queue.getValue(),
          perSecond,
          ideal,
          100 * perSecond / ideal,
          stats.getJsonObject("startLatencyMs").getJsonNumber("p50").longValue());
    }
  }

  /**
   * --rate=100 tasks a second over HTTP for --minutes=10 (open loop: submissions on a fixed
   * schedule, 16 at most under way), the server's heap sampled every 30 s, then every task checked.
   * Each sample is the live heap after a full collection ({@code jcmd <pid> GC.class_histogram} on
   * the server's JVM, found on this machine or given as --server-pid), so that a leak shows as a
   * rising line rather than hiding in uncollected garbage; the classes that grew most between the
   * first and the last sample are printed, to tell a leak from caches filling up. Without a server
   * JVM on this machine the samples are MicroProfile Metrics' used heap, garbage included. Each
   * sample also gives the size of the embedded store's file when it is on this machine.
   */
  private void soak() throws Exception {
    int rate = Integer.parseInt(options.getOrDefault("rate", "100"));
    int minutes = Integer.parseInt(options.getOrDefault("minutes", "10"));
    long n = (long) rate * minutes * 60;
    String prefix = "soak-" + UUID.randomUUID() + "-";
    System.out.printf(
        "Courier soak: %d tasks/s over HTTP for %d min (%d tasks)%n", rate, minutes, n);
    var senders = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    var requests = java.util.concurrent.Executors.newFixedThreadPool(16);
    var sent = new java.util.concurrent.atomic.AtomicLong();
    var failed = new java.util.concurrent.atomic.AtomicLong();
    long periodNanos = 1_000_000_000L / rate;
    var ticking =
        senders.scheduleAtFixedRate(
            () -> {
              long i = sent.getAndIncrement();
              if (i >= n) {
                return;
              }
              // a slow answer does not delay the next submission
              requests.execute(
                  () -> {
                    try {
                      post("tasks", "{\"type\":\"noop\",\"key\":\"" + prefix + i + "\"}");
                    } catch (Exception e) {
                      failed.incrementAndGet();
                    }
                  });
            },
            0,
            periodNanos,
            java.util.concurrent.TimeUnit.NANOSECONDS);
    Instant start = Instant.now();
    Long pid = serverPid();
    Path store = storeFile();
    System.out.printf(
        "%8s %10s %12s %12s%n",
        "second", "sent", pid == null ? "used MiB" : "live MiB", store == null ? "" : "store MB");
    Histogram first = null;
    Histogram last = null;
    try {
      while (sent.get() < n) {
        Thread.sleep(30_000); // sampling interval of a benchmark, not a test
        long heap;
        if (pid == null) {
          heap = heapUsed();
        } else {
          // a full collection: a pause of the server, which shows in the start latencies
          last = liveHistogram(pid);
          first = first == null ? last : first;
          heap = last.totalBytes();
        }
        System.out.printf(
            "%8d %10d %12.1f %12s%n",
            Duration.between(start, Instant.now()).toSeconds(),
            Math.min(sent.get(), n),
            heap / 1048576.0,
            store == null ? "" : String.format("%.1f", Files.size(store) / 1e6));
      }
    } finally {
      ticking.cancel(false);
      senders.shutdown();
      requests.shutdown();
    }
    requests.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    if (first != null) {
      printGrowth(first, last);
    }
    JsonObject stats = awaitSucceeded(prefix, (int) (n - failed.get()), 2000);
    System.out.printf(
        "%d sent, %d refused or failed, %d SUCCEEDED; start latency p50 %s ms, p99 %s ms%n",
        n,
        failed.get(),
        succeeded(stats),
        stats.getJsonObject("startLatencyMs").get("p50"),
        stats.getJsonObject("startLatencyMs").get("p99"));
  }

  /** Waits until the queue holds at least {@code n} messages (bounded by --timeout). */
  private void awaitDepth(String queue, long n) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (get("queues/" + queue).getJsonNumber("depth").longValue() < n) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("queue " + queue + " did not reach a depth of " + n);
      }
      Thread.sleep(100); // polling interval of a benchmark, not a test
    }
  }

  /** A paused queue fills with a backlog, then drains; heap and paging on the way. */
  private void backlog() throws Exception {
    int n = Integer.parseInt(options.getOrDefault("tasks", "100000"));
    String prefix = "backlog-" + UUID.randomUUID() + "-";
    System.out.printf("Courier backlog: %d echo tasks sent to the paused default queue%n", n);
    long heapBefore = heapUsed();
    post("queues/default/pause");
    Instant sendStart = Instant.now();
    try (var factory = new ActiveMQConnectionFactory(broker, user, password)) {
      send(factory, "courier.tasks", n, i -> echo(i, prefix + i));
    }
    double sendSeconds = Duration.between(sendStart, Instant.now()).toMillis() / 1000.0;
    JsonObject queue = get("queues/default");
    long heapWithBacklog = heapUsed();
    System.out.printf(
        "sent in %.1f s (%.0f/s); queue depth %d, paging %s (%d page files); heap used %d MiB before,"
            + " %d MiB with the backlog%n",
        sendSeconds,
        n / sendSeconds,
        queue.getJsonNumber("depth").longValue(),
        queue.getBoolean("paging", false),
        queue.getJsonNumber("pages").longValue(),
        heapBefore >> 20,
        heapWithBacklog >> 20);
    Instant drainStart = Instant.now();
    post("queues/default/resume");
    long heapMax = heapWithBacklog;
    Instant deadline = drainStart.plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(2000); // sampling interval of a benchmark, not a test
      heapMax = Math.max(heapMax, heapUsed());
      queue = get("queues/default");
      if (queue.getJsonNumber("depth").longValue() == 0) {
        break;
      }
    }
    JsonObject stats = awaitSucceeded(prefix, n, 2000);
    double drainSeconds =
        Duration.between(drainStart, Instant.parse(stats.getString("lastFinishedAt"))).toMillis()
            / 1000.0;
    System.out.printf(
        "drained %d tasks in %.1f s (%.0f/s); heap used at most %d MiB while draining%n",
        succeeded(stats), drainSeconds, succeeded(stats) / drainSeconds, heapMax >> 20);
  }

  private void thumbnails() throws Exception {
    int n = Integer.parseInt(options.getOrDefault("tasks", "200"));
    Path images = Path.of(options.getOrDefault("images", "./data/images/in"));
    String run = "bench-" + UUID.randomUUID();
    Files.createDirectories(images.resolve(run));
    var picture = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = picture.createGraphics();
    for (int i = 0; i < 400; i++) {
      g.setColor(new Color((i * 7919) & 0xFFFFFF));
      g.fillOval((i * 37) % 1600, (i * 53) % 1200, 60 + i % 90, 40 + i % 70);
    }
    g.dispose();
    for (int i = 0; i < n; i++) {
      ImageIO.write(picture, "png", images.resolve(run).resolve(i + ".png").toFile());
    }
    String prefix = run + "-";
    System.out.printf(
        "Courier thumbnails: %d PNG images of 1600x1200, a 320 px JPEG and a 128 px PNG each%n", n);
    for (int i = 0; i < n; i++) {
      post(
          "tasks",
          "{\"type\":\"image.thumbnail\",\"key\":\""
              + prefix
              + i
              + "\",\"payload\":{\"source\":{\"file\":\""
              + run
              + "/"
              + i
              + ".png\"},\"sizes\":[{\"width\":320,\"height\":320,\"format\":\"jpg\"},"
              + "{\"width\":128,\"height\":128,\"format\":\"png\"}]}}");
    }
    JsonObject stats = awaitSucceeded(prefix, n, 500);
    double seconds = seconds(stats);
    System.out.printf(
        "%d images in %.1f s: %.1f images/s (%.1f thumbnails/s) with the media queue's 4 handlers%n",
        succeeded(stats), seconds, succeeded(stats) / seconds, 2 * succeeded(stats) / seconds);
  }

  private void email() throws Exception {
    int n = Integer.parseInt(options.getOrDefault("tasks", "1000"));
    int port = Integer.parseInt(options.getOrDefault("smtp-port", "3025"));
    var smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    try {
      StringBuilder recipients = new StringBuilder();
      for (int i = 0; i < n; i++) {
        recipients
            .append(i == 0 ? "" : ",")
            .append("{\"email\":\"user")
            .append(i)
            .append("@example.com\",\"values\":{\"name\":\"User ")
            .append(i)
            .append("\"}}");
      }
      JsonObject campaign =
          post(
              "tasks",
              "{\"type\":\"email.campaign\",\"payload\":{\"subject\":\"Hello {{name}}\","
                  + "\"text\":\"Dear {{name}}, this is a benchmark.\","
                  + "\"html\":\"<p>Dear <b>{{name}}</b>, this is a benchmark.</p>\",\"recipients\":["
                  + recipients
                  + "]}}");
      String id = campaign.getString("id");
      System.out.printf(
          "Courier e-mail: one campaign to %d recipients, SMTP server on 127.0.0.1:%d%n", n, port);
      Instant deadline = Instant.now().plus(timeout);
      JsonObject task = get("tasks/" + id);
      while (!task.getString("state").equals("SUCCEEDED") && Instant.now().isBefore(deadline)) {
        Thread.sleep(500); // polling interval of a benchmark, not a test
        task = get("tasks/" + id);
      }
      JsonObject children = stats("campaign:" + id + ":");
      double seconds = seconds(children);
      System.out.printf(
          "campaign %s: %s; %d messages received by the SMTP server; %.1f e-mails/s (first child"
              + " queued to last sent, %.1f s)%n",
          task.getString("state"),
          task.getJsonObject("result"),
          smtp.getReceivedMessages().length,
          succeeded(children) / seconds,
          seconds);
    } finally {
      smtp.stop();
    }
  }

  private void transform() throws Exception {
    long mb = Long.parseLong(options.getOrDefault("mb", "100"));
    Path dir = Path.of(options.getOrDefault("transform", "./data/transform"));
    String run = "bench-" + UUID.randomUUID();
    Files.createDirectories(dir.resolve(run));
    Path csv = dir.resolve(run).resolve("in.csv");
    long rows = 0;
    try (var out = Files.newBufferedWriter(csv)) {
      out.write("id,customer,amount,currency,paid,note\r\n");
      while (Files.size(csv) < mb << 20 || rows % 10_000 != 0) {
        out.write(
            rows
                + ",customer "
                + (rows % 5000)
                + ","
                + (rows % 100_000) / 100.0
                + ",EUR,"
                + (rows % 3 == 0)
                + ",\"order, nr "
                + rows
                + "\"\r\n");
        rows++;
        if (rows % 100_000 == 0) {
          out.flush();
        }
      }
    }
    System.out.printf(
        "Courier transform: CSV of %d MB, %d rows, to JSON with a typed mapping%n",
        Files.size(csv) >> 20, rows);
    long heapBefore = heapUsed();
    JsonObject task =
        post(
            "tasks",
            "{\"type\":\"data.transform\",\"payload\":{\"from\":\"csv\",\"to\":\"json\",\"input\":{\"file\":\""
                + run
                + "/in.csv\"},\"output\":{\"file\":\""
                + run
                + "/out.json\"},\"mapping\":[{\"from\":\"id\",\"type\":\"long\"},{\"from\":\"customer\"},"
                + "{\"from\":\"amount\",\"type\":\"decimal\"},{\"from\":\"paid\",\"type\":\"boolean\"},"
                + "{\"to\":\"label\",\"expr\":\"${customer} (${currency})\"}]}}");
    String id = task.getString("id");
    long heapMax = heapBefore;
    Instant deadline = Instant.now().plus(timeout);
    while (!List.of("SUCCEEDED", "DEAD").contains(task.getString("state"))
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(500); // sampling interval of a benchmark, not a test
      heapMax = Math.max(heapMax, heapUsed());
      task = get("tasks/" + id);
    }
    double seconds =
        Duration.between(
                    Instant.parse(task.getString("startedAt")),
                    Instant.parse(task.getString("finishedAt")))
                .toMillis()
            / 1000.0;
    System.out.printf(
        "%s in %.1f s: %.0f rows/s; %s; server heap used %d MiB before, at most %d MiB during%n",
        task.getString("state"),
        seconds,
        rows / seconds,
        task.get("result"),
        heapBefore >> 20,
        heapMax >> 20);
  }

  private static double seconds(JsonObject stats) {
    return Duration.between(
                Instant.parse(stats.getString("firstCreatedAt")),
                Instant.parse(stats.getString("lastFinishedAt")))
            .toNanos()
        / 1e9;
  }

  private JsonObject post(String path, String json) throws Exception {
    return json(
        http.send(
            authorized(api.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  private JsonObject awaitSucceeded(String prefix, int n, long pollMillis) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    JsonObject stats = stats(prefix);
    while (succeeded(stats) < n && Instant.now().isBefore(deadline)) {
      Thread.sleep(pollMillis); // polling interval of a benchmark, not a test
      stats = stats(prefix);
    }
    if (succeeded(stats) < n) {
      System.out.printf("only %d of %d tasks succeeded within %s%n", succeeded(stats), n, timeout);
    }
    return stats;
  }

  private JsonObject get(String path) throws Exception {
    return json(
        http.send(
            authorized(api.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  private JsonObject post(String path) throws Exception {
    return json(
        http.send(
            authorized(api.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  private static JsonObject json(HttpResponse<String> response) {
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          "Courier answered " + response.statusCode() + ": " + response.body());
    }
    try (var reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readObject();
    }
  }

  /** One class's live objects. */
  private record Live(long instances, long bytes) {
    Live plus(Live other) {
      return new Live(instances + other.instances, bytes + other.bytes);
    }
  }

  /** A JVM's live objects after a full collection: their total, and by class. */
  private record Histogram(long totalBytes, Map<String, Live> classes) {}

  /**
   * The embedded H2 store's file, whose size the soak follows: --store-file, or the file under
   * COURIER_DATA_DIR (or ./data, the server's default) if it is there; null if there is none.
   */
  private Path storeFile() {
    Path file =
        options.containsKey("store-file")
            ? Path.of(options.get("store-file"))
            : Path.of(
                Objects.requireNonNullElse(System.getenv("COURIER_DATA_DIR"), "data"),
                "db",
                "courier.mv.db");
    return Files.isRegularFile(file) ? file : null;
  }

  /**
   * The PID of the server's JVM: --server-pid, or the Payara Micro JVM on this machine, or null.
   */
  private Long serverPid() {
    if (options.containsKey("server-pid")) {
      return Long.parseLong(options.get("server-pid"));
    }
    // a JVM that runs payara-micro.jar (the run profile's server), not a build that starts one
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").endsWith("/java"))
        .filter(p -> p.info().commandLine().orElse("").contains("payara-micro.jar"))
        .map(ProcessHandle::pid)
        .findFirst()
        .orElse(null);
  }

  /**
   * The live objects of a JVM: {@code jcmd GC.class_histogram} collects the whole heap first, so
   * this is what survives.
   */
  private static Histogram liveHistogram(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    Map<String, Live> classes = new HashMap<>();
    Long total = null;
    try (var lines = process.inputReader()) {
      String line;
      while ((line = lines.readLine()) != null) {
        // "  1:  instances  bytes  class name (module)"; one class of several loaders: summed
        String[] f = line.trim().split("\\s+", 4);
        if (f.length == 4 && f[0].endsWith(":")) {
          classes.merge(f[3], new Live(Long.parseLong(f[1]), Long.parseLong(f[2])), Live::plus);
        } else if (f.length == 3 && f[0].equals("Total")) {
          total = Long.parseLong(f[2]);
        }
      }
    }
    if (process.waitFor() != 0 || total == null) {
      throw new IllegalStateException("jcmd " + pid + " GC.class_histogram gave no histogram");
    }
    return new Histogram(total, classes);
  }

  /** The ten classes whose live bytes grew most from one histogram to a later one. */
  private static void printGrowth(Histogram first, Histogram last) {
    System.out.println("live bytes grown most from the first sample to the last:");
    Live none = new Live(0, 0);
    last.classes().entrySet().stream()
        .map(
            e -> {
              Live before = first.classes().getOrDefault(e.getKey(), none);
              return Map.entry(
                  e.getKey(),
                  new Live(
                      e.getValue().instances() - before.instances(),
                      e.getValue().bytes() - before.bytes()));
            })
        .sorted((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()))
        .limit(10)
        .forEach(
            e ->
                System.out.printf(
                    "%+12d bytes %+10d instances  %s%n",
                    e.getValue().bytes(), e.getValue().instances(), e.getKey()));
  }

  /** The server's used heap, from its MicroProfile Metrics endpoint. */
  private long heapUsed() throws Exception {
    URI metrics = api.resolve("/metrics?scope=base&name=memory.usedHeap");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString());
    for (String line : response.body().split("\n")) {
      if (line.startsWith("memory_usedHeap_bytes")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  /** Plain JMS: persistent sends, transacted receives (one commit per message, as the MDB does). */
  private Result raw(int n) throws Exception {
    String queueName = "bench.raw." + UUID.randomUUID();
    long[] latencies = new long[n];
    AtomicInteger received = new AtomicInteger();
    Instant deadline = Instant.now().plus(timeout);
    try (var factory = new ActiveMQConnectionFactory(broker, user, password)) {
      ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < consumers; c++) {
        work.add(
            pool.submit(
                () -> {
                  try (JMSContext jms = factory.createContext(JMSContext.SESSION_TRANSACTED);
                      JMSConsumer consumer = jms.createConsumer(jms.createQueue(queueName))) {
                    while (received.get() < n && Instant.now().isBefore(deadline)) {
                      Message message = consumer.receive(200);
                      if (message != null) {
                        message.getBody(String.class);
                        jms.commit();
                        int i = received.getAndIncrement();
                        if (i < n) {
                          latencies[i] = System.currentTimeMillis() - message.getJMSTimestamp();
                        }
                      }
                    }
                  }
                  return null;
                }));
      }
      long start = System.nanoTime();
      send(factory, queueName, n, i -> echo(i, "raw-" + i));
      for (Future<?> f : work) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      int count = Math.min(received.get(), n);
      Arrays.sort(latencies, 0, count);
      return new Result(
          "raw JMS, " + consumers + " consumers",
          count,
          count / seconds,
          percentile(latencies, count, 50),
          percentile(latencies, count, 99),
          percentile(latencies, count, 100));
    }
  }

  /** Courier: echo tasks as JMS text messages; completion and latencies come from its API. */
  private Result courier(int n) throws Exception {
    String prefix = "bench-" + UUID.randomUUID() + "-";
    try (var factory = new ActiveMQConnectionFactory(broker, user, password)) {
      send(factory, "courier.tasks", n, i -> echo(i, prefix + i));
    }
    Instant deadline = Instant.now().plus(timeout);
    JsonObject stats = stats(prefix);
    while (succeeded(stats) < n && Instant.now().isBefore(deadline)) {
      Thread.sleep(250); // polling interval of a benchmark, not a test
      stats = stats(prefix);
    }
    int done = succeeded(stats);
    Instant first = Instant.parse(stats.getString("firstCreatedAt"));
    Instant last = Instant.parse(stats.getString("lastFinishedAt"));
    double seconds = Duration.between(first, last).toNanos() / 1e9;
    JsonObject latency = stats.getJsonObject("startLatencyMs");
    if (done < n) {
      System.out.printf("only %d of %d tasks succeeded within %s: %s%n", done, n, timeout, stats);
    }
    return new Result(
        "Courier echo tasks (JMS submit, MDB, H2 store)",
        done,
        done / seconds,
        latency.getJsonNumber("p50").longValue(),
        latency.getJsonNumber("p99").longValue(),
        latency.getJsonNumber("max").longValue());
  }

  /** The body of echo task number i, submitted with the key. */
  private static String echo(int i, String key) {
    return "{\"type\":\"echo\",\"payload\":{\"i\":" + i + "},\"key\":\"" + key + "\"}";
  }

  /** Sends n text messages from the producer threads; body(i) is the text of message i. */
  private void send(
      ActiveMQConnectionFactory factory, String queueName, int n, IntFunction<String> body)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    List<Future<?>> sends = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      sends.add(
          pool.submit(
              () -> {
                try (JMSContext jms = factory.createContext()) {
                  Queue queue = jms.createQueue(queueName);
                  var producer = jms.createProducer();
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    producer.send(queue, body.apply(i));
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : sends) {
      f.get();
    }
    pool.shutdown();
  }

  private JsonObject stats(String prefix) throws Exception {
    HttpResponse<String> response =
        http.send(
            authorized(api.resolve("tasks/stats?keyPrefix=" + prefix)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "Courier answered " + response.statusCode() + ": " + response.body());
    }
    try (var reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readObject();
    }
  }

  private static int succeeded(JsonObject stats) {
    return stats.getJsonObject("byState").getInt("SUCCEEDED", 0);
  }

  private static long percentile(long[] sorted, int count, double p) {
    if (count == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * count);
    return sorted[Math.min(Math.max(rank, 1), count) - 1];
  }
}
