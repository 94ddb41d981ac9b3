package dev.courier.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Courier stopped and started again on the same data: a delayed task due while it was down runs
 * once, late by no more than the restart took; schedules go on firing; the firings missed while it
 * was down follow each schedule's misfire policy; a paused durable subscription still holds its
 * messages after the restart and delivers them when resumed.
 */
class RestartIT {

  private static final int HTTP_PORT = 18_080;

  @Test
  void delayedTasksAndSchedulesSurviveARestart() throws Exception {
    Path data =
        Files.createDirectories(
            Path.of("target", "system-data", "restart-" + System.currentTimeMillis()));
    try (MicroProcess courier =
        MicroProcess.start(
            "restart",
            HTTP_PORT,
            Map.of(
                "courier.data.dir",
                data.toAbsolutePath().toString(),
                "h2.bindAddress",
                "127.0.0.1"))) {
      String api = courier.api();
      Api.post(api + "schedules", schedule("tick-once", "run-once"));
      Api.post(api + "schedules", schedule("tick-skip", "skip"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Api.count(courier, "schedule:tick-once:") >= 2);

      JsonObject delayed =
          Api.post(
                  api + "tasks",
                  "{\"type\":\"echo\",\"delaySeconds\":6,\"payload\":{\"survives\":true}}")
              .asJsonObject();
      String id = delayed.getString("id");
      Instant due = Instant.parse(delayed.getString("runAt"));

      // a durable subscription keeps its messages across a restart of its subscriber (and broker)
      String sensor = "restart-" + System.currentTimeMillis();
      Api.post(api + "topics/measurements/subscriptions/measurements-streams/pause", "");
      for (int v = 1; v <= 3; v++) {
        Api.post(
            api + "topics/measurements/messages",
            "{\"body\":{\"key\":\"" + sensor + "\",\"value\":" + v + "}}");
      }
      assertThat(streamsSubscription(courier).getInt("depth")).isEqualTo(3);

      Instant stopped = Instant.now();
      // a service manager's stop: Courier undeploys and exits by itself, within its grace period
      assertThat(courier.stop()).as("Courier exits on SIGTERM within 30 s").isTrue();
      courier.restart();
      Instant ready = Instant.now();
      long onceBefore = Api.count(courier, "schedule:tick-once:");

      JsonObject waiting = streamsSubscription(courier);
      assertThat(waiting.getBoolean("paused")).isTrue();
      assertThat(waiting.getInt("depth")).isEqualTo(3);
      Api.post(api + "topics/measurements/subscriptions/measurements-streams/resume", "");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  Api.get(api + "streams/measurements?windowSeconds=3600&key=" + sensor)
                          .asJsonObject()
                          .getInt("count")
                      == 3);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Api.task(courier, id).getString("state").equals("SUCCEEDED"));
      JsonObject ran = Api.task(courier, id);
      assertThat(ran.getInt("attempts")).isEqualTo(1);
      assertThat(ran.getJsonObject("result").getBoolean("survives")).isTrue();
      Instant started = Instant.parse(ran.getString("startedAt"));
      assertThat(started).isAfterOrEqualTo(due);
      assertThat(Duration.between(due, started))
          .as("late by no more than the restart took")
          .isLessThanOrEqualTo(Duration.between(stopped, ready).plusSeconds(2));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Api.count(courier, "schedule:tick-once:") >= onceBefore + 3);

      // Both schedules fire every second, are caught up to the same instant at start-up and armed
      // together, so over the outage they differ only by the misfire policy: one task for all the
      // missed firings (run-once), or none (skip).
      Instant settled = ready.plusSeconds(3);
      List<Instant> once = firedBetween(courier, "tick-once", stopped, settled);
      List<Instant> skip = firedBetween(courier, "tick-skip", stopped, settled);
      assertThat(once.size() - skip.size())
          .as("run-once fired at %s, skip at %s, between %s and %s", once, skip, stopped, settled)
          .isEqualTo(1);
    }
  }

  private static JsonObject streamsSubscription(MicroProcess courier) throws Exception {
    return Api.get(courier.api() + "topics/measurements")
        .asJsonObject()
        .getJsonArray("subscriptions")
        .getValuesAs(JsonObject.class)
        .stream()
        .filter(s -> s.getString("name").equals("measurements-streams"))
        .findFirst()
        .orElseThrow();
  }

  private static String schedule(String name, String misfire) {
    return "{\"name\":\""
        + name
        + "\",\"cron\":\"* * * * * *\",\"misfire\":\""
        + misfire
        + "\",\"task\":{\"type\":\"echo\"}}";
  }

  /** The fire times of the schedule's tasks strictly inside the window, one lookup a second. */
  private static List<Instant> firedBetween(
      MicroProcess courier, String schedule, Instant from, Instant to) throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(to.plusSeconds(1)));
    List<Instant> found = new ArrayList<>();
    for (Instant second = from.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        second.isBefore(to);
        second = second.plusSeconds(1)) {
      int tasks =
          Api.get(courier.api() + "tasks?key=schedule:" + schedule + ":" + second)
              .asJsonObject()
              .getJsonArray("items")
              .asJsonArray()
              .size();
      assertThat(tasks).as("tasks of %s fired at %s", schedule, second).isLessThanOrEqualTo(1);
      if (tasks == 1) {
        found.add(second);
      }
    }
    return found;
  }
}
