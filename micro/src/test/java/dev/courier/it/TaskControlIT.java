package dev.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.TextMessage;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.Test;

/**
 * Task control on Payara Micro: queue concurrency, rate limits, priorities, time limits,
 * idempotency keys, progress, listing, cancelling running tasks, and the queues and dead-letter
 * API. The tests' configuration (micro/pom.xml) gives every queue redelivery delays of 100 to 400
 * ms, the type it.limited a rate limit of 10/s and it.stubborn a time limit of 1 s.
 */
@RunAsClient
class TaskControlIT extends CourierIT {

  private static String aPrefix() {
    return "ctl-" + UUID.randomUUID() + "-";
  }

  private String submit(String json) {
    var response = courier.submit(json);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().asJsonObject().getString("id");
  }

  private List<JsonObject> tasksWithPrefix(String prefix) {
    return courier
        .get("tasks?limit=500&keyPrefix=" + prefix)
        .json()
        .asJsonObject()
        .getJsonArray("items")
        .getValuesAs(JsonObject.class);
  }

  private void awaitAll(String prefix, int count, String state) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              List<JsonObject> tasks = tasksWithPrefix(prefix);
              return tasks.size() == count
                  && tasks.stream().allMatch(t -> t.getString("state").equals(state));
            });
  }

  private JsonObject queue(String name) {
    return courier.get("queues/" + name).json().asJsonObject();
  }

  private String state(String id) {
    return courier.task(id).getString("state");
  }

  /** The most attempts that ran at the same time, from their recorded start and finish times. */
  private static int mostAtOnce(List<JsonObject> tasks) {
    record Edge(Instant at, int change) {}
    List<Edge> edges = new ArrayList<>();
    for (JsonObject task : tasks) {
      edges.add(new Edge(Instant.parse(task.getString("startedAt")), +1));
      edges.add(new Edge(Instant.parse(task.getString("finishedAt")), -1));
    }
    // at one instant, an end comes before a start: a worker that finished one task took the next
    edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::change));
    int now = 0;
    int most = 0;
    for (Edge edge : edges) {
      now += edge.change();
      most = Math.max(most, now);
    }
    return most;
  }

  @Test
  void eachQueueRunsNoMoreHandlersAtOnceThanItsConcurrency() {
    String prefix = aPrefix();
    for (int i = 0; i < 12; i++) {
      submit(task("sleep", "{\"ms\":400}", prefix + "media-" + i, "\"queue\":\"media\""));
    }
    for (int i = 0; i < 6; i++) {
      submit(task("sleep", "{\"ms\":400}", prefix + "email-" + i, "\"queue\":\"email\""));
    }
    for (int i = 0; i < 4; i++) {
      submit(task("sleep", "{\"ms\":200}", prefix + "serial-" + i, "\"queue\":\"serial\""));
    }
    awaitAll(prefix, 22, "SUCCEEDED");

    assertThat(mostAtOnce(tasksWithPrefix(prefix + "media-"))).isEqualTo(4);
    assertThat(mostAtOnce(tasksWithPrefix(prefix + "email-"))).isEqualTo(2);
    assertThat(mostAtOnce(tasksWithPrefix(prefix + "serial-"))).isEqualTo(1);
    assertThat(queue("media").getInt("consumers")).isEqualTo(4);
    assertThat(queue("email").getInt("consumers")).isEqualTo(2);
  }

  @Test
  void aRateLimitedTypeStartsAtItsRateOverHttpAndJms() {
    String prefix = aPrefix();
    for (int i = 0; i < 20; i++) {
      submit(task("it.limited", "{\"i\":" + i + "}", prefix + i, null));
    }
    for (int i = 20; i < 30; i++) {
      Courier.sendText(task("it.limited", "{\"i\":" + i + "}", prefix + i, null));
    }
    awaitAll(prefix, 30, "SUCCEEDED");

    List<Instant> starts =
        tasksWithPrefix(prefix).stream()
            .map(t -> Instant.parse(t.getString("startedAt")))
            .sorted()
            .toList();
    double seconds = Duration.between(starts.get(0), starts.get(29)).toMillis() / 1000.0;
    double perSecond = 29 / seconds;
    // configured 10/s; allowed within 20 %
    assertThat(perSecond).isBetween(8.0, 12.0);
  }

  @Test
  void withABacklogHigherPriorityTasksStartFirst() {
    String prefix = aPrefix();
    courier.post("queues/serial/pause", "application/json", "");
    try {
      for (int i = 0; i < 6; i++) {
        submit(
            task(
                "sleep",
                "{\"ms\":20}",
                prefix + "low-" + i,
                "\"queue\":\"serial\",\"priority\":1"));
      }
      for (int i = 0; i < 6; i++) {
        submit(
            task(
                "sleep",
                "{\"ms\":20}",
                prefix + "high-" + i,
                "\"queue\":\"serial\",\"priority\":8"));
      }
      await().until(() -> queue("serial").getInt("depth") >= 12);
    } finally {
      courier.post("queues/serial/resume", "application/json", "");
    }
    awaitAll(prefix, 12, "SUCCEEDED");

    Instant lastHigh =
        tasksWithPrefix(prefix + "high-").stream()
            .map(t -> Instant.parse(t.getString("startedAt")))
            .max(Comparator.naturalOrder())
            .orElseThrow();
    Instant firstLow =
        tasksWithPrefix(prefix + "low-").stream()
            .map(t -> Instant.parse(t.getString("startedAt")))
            .min(Comparator.naturalOrder())
            .orElseThrow();
    assertThat(lastHigh).isBefore(firstLow);
  }

  @Test
  void aTaskPastItsTimeLimitIsInterruptedCountedAsFailedAndFinallyDead() {
    String id = submit("{\"type\":\"sleep\",\"payload\":{\"ms\":60000},\"timeoutSeconds\":1}");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> courier.task(id).getInt("attempts") >= 1 && !state(id).equals("PROCESSING"));
    assertThat(courier.task(id).getString("error")).contains("timed out").contains("1 s");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("DEAD"));
    assertThat(courier.task(id).getInt("attempts")).isEqualTo(5);
  }

  @Test
  void aHandlerThatIgnoresInterruptsStillFreesItsWorkerAtTheTimeLimit() {
    // serial runs one task at a time: the echo can only run once the stubborn task let go
    String stubborn =
        submit("{\"type\":\"it.stubborn\",\"payload\":{\"ms\":8000},\"queue\":\"serial\"}");
    await().until(() -> state(stubborn).equals("PROCESSING"));
    String echo = submit("{\"type\":\"echo\",\"queue\":\"serial\"}");

    await().atMost(Duration.ofSeconds(6)).until(() -> state(echo).equals("SUCCEEDED"));
    Instant stubbornStarted = Instant.parse(courier.task(stubborn).getString("startedAt"));
    Instant echoStarted = Instant.parse(courier.task(echo).getString("startedAt"));
    assertThat(echoStarted).isBefore(stubbornStarted.plusSeconds(8));
    assertThat(courier.task(stubborn).getString("error")).contains("timed out");
    assertThat(queue("serial").getInt("overrunningHere")).isPositive();

    courier.delete("tasks/" + stubborn);
    await().atMost(Courier.patience()).until(() -> state(stubborn).equals("CANCELLED"));
  }

  @Test
  void aRepeatedKeyReturnsTheFirstTaskOverHttpAndIsDroppedOverJms() {
    String key = "ctl-key-" + UUID.randomUUID();
    var first = courier.submit(task("echo", "{\"n\":1}", key, null));
    var second = courier.submit(task("echo", "{\"n\":2}", key, null));

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    String id = first.json().asJsonObject().getString("id");
    assertThat(second.json().asJsonObject().getString("id")).isEqualTo(id);
    assertThat(second.location()).endsWith("/api/tasks/" + id);

    String jmsKey = "ctl-jms-key-" + UUID.randomUUID();
    Courier.sendText(task("echo", "{\"n\":1}", jmsKey, null));
    Courier.sendText(task("echo", "{\"n\":2}", jmsKey, null));
    // a client that also sets Artemis' duplicate id has the broker drop the copy before Courier
    for (int i = 0; i < 2; i++) {
      Courier.sendToTasks(
          jms -> {
            TextMessage message = jms.createTextMessage(task("echo", "{\"n\":3}", jmsKey, null));
            message.setStringProperty("_AMQ_DUPL_ID", jmsKey);
            return message;
          });
    }
    await().until(() -> queue("default").getInt("depth") == 0);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> courier.tasksWithKey(jmsKey).size() == 1);
    assertThat(courier.tasksWithKey(key)).hasSize(1);
  }

  @Test
  void progressShowsWhileATaskRunsAndTheResultWhenItEnds() {
    String id = submit("{\"type\":\"sleep\",\"payload\":{\"ms\":3000,\"steps\":6}}");

    await()
        .atMost(Courier.patience())
        .until(
            () -> {
              JsonObject task = courier.task(id);
              return task.getString("state").equals("PROCESSING")
                  && task.containsKey("progress")
                  && task.getJsonObject("progress").getInt("percent") > 0
                  && task.getJsonObject("progress").getInt("percent") < 100;
            });
    assertThat(courier.task(id).getJsonObject("progress").getString("message")).startsWith("step ");

    await().atMost(Courier.patience()).until(() -> state(id).equals("SUCCEEDED"));
    JsonObject done = courier.task(id);
    assertThat(done.getJsonObject("progress").getInt("percent")).isEqualTo(100);
    assertThat(done.getJsonObject("result").getInt("slept")).isEqualTo(3000);
  }

  @Test
  void theTaskListFiltersByStateTypeQueueAndTimeAndPages() {
    String prefix = aPrefix();
    Instant before = Instant.now().minusSeconds(1);
    for (int i = 0; i < 3; i++) {
      submit(task("echo", "{}", prefix + "echo-" + i, "\"queue\":\"media\""));
    }
    for (int i = 0; i < 2; i++) {
      submit(task("fail", "{\"message\":\"no\"}", prefix + "fail-" + i, null));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> total("keyPrefix=" + prefix + "&state=SUCCEEDED,DEAD") == 5);

    assertThat(total("keyPrefix=" + prefix + "&state=succeeded")).isEqualTo(3);
    assertThat(total("keyPrefix=" + prefix + "&type=fail&state=DEAD")).isEqualTo(2);
    assertThat(total("keyPrefix=" + prefix + "&queue=media")).isEqualTo(3);
    assertThat(total("keyPrefix=" + prefix + "&queue=default")).isEqualTo(2);
    assertThat(total("keyPrefix=" + prefix + "&from=" + before)).isEqualTo(5);
    assertThat(total("keyPrefix=" + prefix + "&to=" + before)).isZero();

    List<String> pages = new ArrayList<>();
    for (int offset = 0; offset < 5; offset += 2) {
      JsonObject page =
          courier
              .get("tasks?keyPrefix=" + prefix + "&limit=2&offset=" + offset)
              .json()
              .asJsonObject();
      assertThat(page.getInt("total")).isEqualTo(5);
      page.getJsonArray("items")
          .getValuesAs(JsonObject.class)
          .forEach(t -> pages.add(t.getString("id")));
    }
    assertThat(pages).hasSize(5).doesNotHaveDuplicates();

    assertThat(courier.get("tasks?state=SLEEPING").problem().getString("detail"))
        .contains("SLEEPING");
    assertThat(courier.get("tasks?limit=0").status()).isEqualTo(400);
    assertThat(courier.get("tasks?from=yesterday").status()).isEqualTo(400);
  }

  @Test
  void finishedTasksAreRemovedByStateAndFinishTimeWhileTheOthersStay() {
    String prefix = aPrefix();
    List<String> succeeded = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      succeeded.add(submit(task("echo", "{}", prefix + "ok-" + i, null)));
    }
    String dead = submit(task("fail", "{\"message\":\"no\"}", prefix + "dead", null));
    String waiting = submit(task("echo", "{}", prefix + "later", "\"delaySeconds\":3600"));
    String cancelled = submit(task("echo", "{}", prefix + "cancelled", "\"delaySeconds\":3600"));
    assertThat(courier.delete("tasks/" + cancelled).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> total("keyPrefix=" + prefix + "&state=SUCCEEDED,DEAD,CANCELLED") == 4);

    // nothing of these finished before a minute ago
    var none =
        courier.delete(
            "tasks?finishedBefore=" + Instant.now().minusSeconds(60) + "&state=SUCCEEDED");
    assertThat(none.status()).as(none.body()).isEqualTo(200);
    assertThat(total("keyPrefix=" + prefix)).isEqualTo(5);

    var removed =
        courier.delete("tasks?finishedBefore=" + Instant.now() + "&state=SUCCEEDED,CANCELLED");
    assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    assertThat(removed.json().asJsonObject().getInt("removed")).isGreaterThanOrEqualTo(3);
    for (String id : List.of(succeeded.get(0), succeeded.get(1), cancelled)) {
      assertThat(courier.get("tasks/" + id).status()).as(id).isEqualTo(404);
    }
    assertThat(state(dead)).isEqualTo("DEAD");
    assertThat(state(waiting)).isEqualTo("SCHEDULED");
    assertThat(total("keyPrefix=" + prefix)).isEqualTo(2);

    // only finished tasks go, and only when asked with a time; only an admin asks
    var unfinished = courier.delete("tasks?finishedBefore=" + Instant.now() + "&state=SCHEDULED");
    assertThat(unfinished.status()).isEqualTo(400);
    assertThat(unfinished.problem().getString("detail")).contains("only finished tasks");
    assertThat(courier.delete("tasks").status()).isEqualTo(400);
    assertThat(
            courier
                .as("it-submitter", "it-submitter-pw")
                .delete("tasks?finishedBefore=" + Instant.now())
                .status())
        .isEqualTo(403);
    assertThat(state(waiting)).isEqualTo("SCHEDULED");
    assertThat(courier.delete("tasks/" + waiting).status()).isEqualTo(200);
  }

  private long total(String query) {
    return courier.get("tasks?" + query).json().asJsonObject().getJsonNumber("total").longValue();
  }

  @Test
  void cancellingARunningTaskInterruptsItAndItEndsCancelledWithoutRetry() {
    String id = submit("{\"type\":\"sleep\",\"payload\":{\"ms\":60000}}");
    await().atMost(Courier.patience()).until(() -> state(id).equals("PROCESSING"));

    var response = courier.delete("tasks/" + id);
    assertThat(response.status()).isEqualTo(202);
    assertThat(response.json().asJsonObject().getBoolean("cancelRequested")).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> state(id).equals("CANCELLED"));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> state(id).equals("CANCELLED") && courier.task(id).getInt("attempts") == 1);
    assertThat(courier.delete("tasks/" + id).status()).isEqualTo(409);
  }

  @Test
  void queuesShowTheirStateAndCanBePausedAndResumed() {
    List<String> names =
        courier.get("queues").json().asJsonArray().getValuesAs(JsonObject.class).stream()
            .map(q -> q.getString("name"))
            .toList();
    assertThat(names).containsExactly("default", "email", "media", "serial");
    JsonObject media = queue("media");
    for (String field :
        List.of("depth", "inFlight", "scheduled", "consumers", "paused", "deadLetters", "paging")) {
      assertThat(media).containsKey(field);
    }

    assertThat(
            courier
                .post("queues/media/pause", "application/json", "")
                .json()
                .asJsonObject()
                .getBoolean("paused"))
        .isTrue();
    String id;
    try {
      id = submit("{\"type\":\"echo\",\"queue\":\"media\"}");
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> state(id).equals("ENQUEUED"));
      assertThat(queue("media").getInt("depth")).isPositive();
    } finally {
      courier.post("queues/media/resume", "application/json", "");
    }
    assertThat(queue("media").getBoolean("paused")).isFalse();
    await().atMost(Courier.patience()).until(() -> state(id).equals("SUCCEEDED"));

    var unknown = courier.get("queues/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.problem().getString("detail")).contains("nope");
    assertThat(
            courier.submit("{\"type\":\"echo\",\"queue\":\"nope\"}").problem().getString("title"))
        .isEqualTo("Unknown queue");
  }

  @Test
  void deadLettersAreListedWithTheirReasonRetriedWithFreshAttemptsAndPurged() {
    Instant recovers = Instant.now().plusSeconds(6);
    String flaky =
        submit(
            "{\"type\":\"fail\",\"queue\":\"media\",\"payload\":{\"message\":\"smtp down\",\"until\":\""
                + recovers
                + "\"}}");
    await().atMost(Courier.patience()).until(() -> state(flaky).equals("DEAD"));
    assertThat(Instant.now()).as("dead before the dependency recovered").isBefore(recovers);

    // the task is DEAD when its last attempt ends; the broker moves the message a moment later
    JsonObject letter =
        await()
            .atMost(Courier.patience())
            .until(() -> findDeadLetter("media", flaky), l -> l != null);
    assertThat(letter.getString("lastError")).isEqualTo("smtp down");
    assertThat(letter.getString("reason")).contains("max-delivery-attempts");
    assertThat(letter.getInt("attempts")).isEqualTo(5);
    assertThat(queue("media").getInt("deadLetters")).isPositive();

    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(recovers));
    var retried =
        courier.post(
            "queues/media/dead-letters/retry", "application/json", "{\"ids\":[\"" + flaky + "\"]}");
    assertThat(retried.json().asJsonObject().getInt("retried")).isEqualTo(1);
    await().atMost(Courier.patience()).until(() -> state(flaky).equals("SUCCEEDED"));
    assertThat(courier.task(flaky).getInt("attempts")).isEqualTo(1);
    assertThat(deadLetters("media")).noneMatch(l -> flaky.equals(l.getString("taskId", null)));

    String hopeless = submit("{\"type\":\"fail\",\"queue\":\"media\"}");
    await().atMost(Courier.patience()).until(() -> state(hopeless).equals("DEAD"));
    await()
        .atMost(Courier.patience())
        .until(() -> findDeadLetter("media", hopeless), l -> l != null);
    var purged = courier.delete("queues/media/dead-letters");
    assertThat(purged.json().asJsonObject().getInt("removed")).isPositive();
    assertThat(queue("media").getInt("deadLetters")).isZero();

    assertThat(courier.post("queues/media/dead-letters/retry", "application/json", "{}").status())
        .isEqualTo(400);
  }

  @Test
  void healthIncludesBrokerAndDatabaseAndMetricsCountTheTasksThatRan() {
    for (String check : List.of("health/ready", "health/live")) {
      var health = courier.getFromRoot(check);
      assertThat(health.status()).as(health.body()).isEqualTo(200);
      assertThat(health.json().asJsonObject().getString("status")).isEqualTo("UP");
    }
    List<String> ready =
        courier
            .getFromRoot("health/ready")
            .json()
            .asJsonObject()
            .getJsonArray("checks")
            .getValuesAs(JsonObject.class)
            .stream()
            .map(c -> c.getString("name"))
            .toList();
    // the console's check: Courier's application runs in this server
    assertThat(ready).contains("courier-broker", "courier-database", "courier-application");

    double before = metric("courier_tasks_succeeded_total", "serial", "echo");
    double deadBefore = metric("courier_tasks_dead_total", "serial", "fail");
    String prefix = aPrefix();
    for (int i = 0; i < 3; i++) {
      submit(task("echo", "{}", prefix + i, "\"queue\":\"serial\""));
    }
    submit(task("fail", "{}", prefix + "f", "\"queue\":\"serial\""));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> total("keyPrefix=" + prefix + "&state=SUCCEEDED,DEAD") == 4);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> metric("courier_tasks_succeeded_total", "serial", "echo") == before + 3);
    assertThat(metric("courier_tasks_dead_total", "serial", "fail")).isEqualTo(deadBefore + 1);
    assertThat(metric("courier_tasks_failed_total", "serial", "fail")).isGreaterThanOrEqualTo(5);
    String metrics = courier.getFromRoot("metrics?scope=application").body();
    assertThat(metrics).contains("courier_queue_depth").contains("courier_task_run_seconds");
    // the broker's own: its connections (the resource adapter's, at least) and memory and disk
    double connections =
        metrics
            .lines()
            .filter(line -> line.startsWith("courier_broker_connections"))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
    assertThat(connections).isPositive();
    assertThat(metrics)
        .contains("courier_broker_address_memory_bytes")
        .contains("courier_broker_disk_store_usage_ratio");
  }

  /** The sum of a Prometheus metric's samples with these queue and type labels (0 if none). */
  private double metric(String name, String queue, String type) {
    return courier
        .getFromRoot("metrics?scope=application")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{"))
        .filter(
            line ->
                line.contains("queue=\"" + queue + "\"") && line.contains("type=\"" + type + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private List<JsonObject> deadLetters(String queue) {
    return courier
        .get("queues/" + queue + "/dead-letters")
        .json()
        .asJsonArray()
        .getValuesAs(JsonObject.class);
  }

  private JsonObject findDeadLetter(String queue, String taskId) {
    return deadLetters(queue).stream()
        .filter(l -> taskId.equals(l.getString("taskId", null)))
        .findFirst()
        .orElse(null);
  }

  private static String task(String type, String payload, String key, String more) {
    return "{\"type\":\""
        + type
        + "\",\"payload\":"
        + payload
        + (key == null ? "" : ",\"key\":\"" + key + "\"")
        + (more == null ? "" : "," + more)
        + "}";
  }

  /** Valid bodies of each endpoint that takes one: the fuzz mutates them. */
  private static final String[][] FUZZ_TARGETS = {
    {
      "POST",
      "tasks",
      "{\"type\":\"noop\",\"payload\":{\"a\":[1,2.5,\"x\",null,true]},"
          + "\"priority\":5,\"key\":\"fuzz-k\",\"queue\":\"default\"}"
    },
    {"POST", "tasks", "[{\"type\":\"noop\"},{\"type\":\"sleep\",\"payload\":{\"ms\":1}}]"},
    {
      "POST",
      "schedules",
      "{\"name\":\"fuzz-s\",\"cron\":\"0 0 1 1 *\",\"enabled\":false,"
          + "\"task\":{\"type\":\"noop\"}}"
    },
    {
      "PUT",
      "schedules/fuzz-p",
      "{\"cron\":\"0 0 1 1 *\",\"enabled\":false,\"task\":{\"type\":\"noop\"}}"
    },
    {
      "POST",
      "topics/notifications/messages",
      "{\"body\":{\"kind\":\"fuzz\"},"
          + "\"properties\":{\"p\":1},\"priority\":4,\"ttlSeconds\":60}"
    },
    {"POST", "queues/default/dead-letters/retry", "{\"ids\":[\"no-such-id\"]}"},
  };

  private static final String[] FUZZ_PIECES = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "-0",
    "1e999",
    "-1",
    "9223372036854775808",
    "0.0000001",
    "\u00e9",
    "\ud83d\ude00",
    "\u0000",
    " ",
    "\n",
    "%",
    "'",
    "<script>",
    "../",
    "\"type\":",
    "\"payload\":",
    "\"key\":\"\"",
    "\"queue\":\"nope\"",
  };

  private static final String[] FUZZ_CONTENT_TYPES = {
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=ebcdic",
    "application/json; charset=\"x y\"",
    "text/plain",
    "application/xml",
    "application/json;;;=",
    "multipart/form-data; boundary=x",
    "*/*",
    null,
  };

  private static final String[] FUZZ_VALUES = {
    "",
    " ",
    "0",
    "-1",
    "501",
    "2147483648",
    "abc",
    "PENDING",
    "SUCCEEDED,DEAD",
    "nope,",
    "%",
    "'",
    "\u00e9",
    "2026-13-45T99:00:00Z",
    "2026-12-03T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "\u0000",
    "x".repeat(300),
    "AAAA",
    "MjAyNi0xMi0wM1QwMDowMDowMFp8eA",
    "../..",
  };

  private static final String[] FUZZ_PARAMS = {
    "state", "type", "queue", "key", "keyPrefix", "from", "to", "offset", "limit", "after",
  };

  /** A body mutated a few times: pieces inserted, text cut, spans repeated or removed. */
  private static String mutate(String body, Random random) {
    StringBuilder text = new StringBuilder(body);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(text.length() + 1);
      switch (random.nextInt(6)) {
        case 0 -> text.insert(at, FUZZ_PIECES[random.nextInt(FUZZ_PIECES.length)]);
        case 1 -> text.setLength(at);
        case 2 -> {
          int end = Math.min(text.length(), at + 1 + random.nextInt(20));
          text.delete(at, end);
        }
        case 3 -> {
          int end = Math.min(text.length(), at + 1 + random.nextInt(30));
          text.insert(at, text.substring(at, end).repeat(1 + random.nextInt(50)));
        }
        case 4 -> text.insert(at, "1".repeat(1 + random.nextInt(2000)));
        default -> {
          int depth = 900 + random.nextInt(300);
          text.insert(at, "[".repeat(depth) + "]".repeat(depth));
        }
      }
      if (text.length() == 0) {
        text.append(FUZZ_PIECES[random.nextInt(FUZZ_PIECES.length)]);
      }
    }
    return text.toString();
  }

  /**
   * A seeded, bounded fuzz of every endpoint that takes a body, and of the task list's query: no
   * answer is 5xx, and every refusal is a problem+json. The seed is printed, and
   * -Dcourier.fuzz.seed repeats a run.
   */
  @Test
  void fuzzedBodiesAndQueriesNeverAnswer5xxAndEveryRefusalIsAProblem() {
    long seed = Long.getLong("courier.fuzz.seed", System.nanoTime());
    System.out.println("fuzz seed: " + seed + " (-Dcourier.fuzz.seed=" + seed + " repeats it)");
    Random random = new Random(seed);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> schedules = new ArrayList<>(List.of("fuzz-s", "fuzz-p"));
    int sent = 0;
    try {
      for (; sent < 600 && System.nanoTime() < deadline; sent++) {
        Courier.Response response;
        String what;
        if (random.nextInt(5) == 0) {
          StringBuilder query = new StringBuilder("tasks?");
          int params = random.nextInt(4);
          for (int i = 0; i < params; i++) {
            query
                .append(i == 0 ? "" : "&")
                .append(FUZZ_PARAMS[random.nextInt(FUZZ_PARAMS.length)])
                .append('=')
                .append(
                    URLEncoder.encode(
                        FUZZ_VALUES[random.nextInt(FUZZ_VALUES.length)], StandardCharsets.UTF_8));
          }
          what = "GET " + query;
          response = courier.get(query.toString());
        } else {
          String[] target = FUZZ_TARGETS[random.nextInt(FUZZ_TARGETS.length)];
          String body = random.nextInt(8) == 0 ? target[2] : mutate(target[2], random);
          String type = FUZZ_CONTENT_TYPES[random.nextInt(FUZZ_CONTENT_TYPES.length)];
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          if (random.nextInt(10) == 0) {
            // bytes that are not UTF-8
            bytes = java.util.Arrays.copyOf(bytes, bytes.length + 2);
            bytes[bytes.length - 2] = (byte) 0xC3;
            bytes[bytes.length - 1] = (byte) 0x28;
          }
          what =
              target[0]
                  + " "
                  + target[1]
                  + " ("
                  + type
                  + "): "
                  + body.substring(0, Math.min(200, body.length()));
          response = courier.request(target[0], target[1], type, bytes);
          if (response.location() != null && target[1].startsWith("schedules")) {
            schedules.add(response.location().substring(response.location().lastIndexOf('/') + 1));
          }
        }
        assertThat(response.status()).as("%s answered %s", what, response.body()).isLessThan(500);
        if (response.status() >= 400) {
          assertThat(response.contentType())
              .as("%s answered %s", what, response.body())
              .startsWith("application/problem+json");
          response.problem();
        }
      }
    } finally {
      schedules.forEach(name -> courier.delete("schedules/" + name));
    }
    assertThat(sent).as("requests sent in the time allowed").isGreaterThan(100);
  }

  /**
   * Overload: more concurrent submissions than the instance runs at once (the tests' Courier takes
   * 4, waiting 50 ms for a slot) are answered 503 with Retry-After and a problem, having submitted
   * nothing; each client retries its batch with the same keys until it is taken, and then every
   * task is there once.
   */
  @Test
  void submissionsBeyondTheInstancesLimitAre503WithRetryAfterAndNothingIsLost() throws Exception {
    String prefix = aPrefix();
    int clients = 16;
    int batch = 300;
    var start = new java.util.concurrent.CountDownLatch(1);
    var refused = new java.util.concurrent.atomic.AtomicInteger();
    var refusals =
        new java.util.concurrent.ConcurrentLinkedQueue<java.net.http.HttpResponse<String>>();
    var http = java.net.http.HttpClient.newHttpClient();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
    try {
      List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < batch; i++) {
          body.append(i == 0 ? "" : ",")
              .append("{\"type\":\"noop\",\"key\":\"")
              .append(prefix)
              .append(c)
              .append('-')
              .append(i)
              .append("\"}");
        }
        var request =
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + base.getPort() + "/api/tasks"))
                .header("Authorization", Courier.basic(Courier.USER, Courier.PASSWORD))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(body.append(']').toString()))
                .build();
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  // a bounded number of tries: each 503 is retried with the same keys
                  for (int attempt = 0; attempt < 200; attempt++) {
                    var response =
                        http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 503) {
                      return response.statusCode();
                    }
                    refused.incrementAndGet();
                    refusals.add(response);
                  }
                  return 503;
                }));
      }
      start.countDown();
      for (var answer : answers) {
        assertThat(answer.get(2, java.util.concurrent.TimeUnit.MINUTES)).isEqualTo(201);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(refused.get()).as("submissions refused while 4 ran").isPositive();
    var refusal = refusals.peek();
    assertThat(refusal.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(refusal.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(refusal.body()).contains("nothing was submitted");
    // a submission is answered once its messages are committed; its rows follow
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(courier.countWithKeyPrefix(prefix)).isEqualTo((long) clients * batch));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                courier
                        .get("tasks/stats?keyPrefix=" + prefix)
                        .json()
                        .asJsonObject()
                        .getJsonObject("byState")
                        .getInt("SUCCEEDED", 0)
                    == clients * batch);
  }
}
