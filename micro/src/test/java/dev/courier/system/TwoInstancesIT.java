package dev.courier.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two Courier instances, each with its own broker, sharing one database: both arm the schedule's
 * timer, and each firing still creates exactly one task. When one instance stops, the other goes
 * on.
 */
class TwoInstancesIT {

  @Test
  void eachFiringOfASharedScheduleCreatesOneTask() throws Exception {
    Path root =
        Files.createDirectories(
            Path.of("target", "system-data", "two-" + System.currentTimeMillis()));
    String sharedDb =
        "jdbc:h2:" + root.toAbsolutePath().resolve("shared/courier") + ";AUTO_SERVER=TRUE";
    try (MicroProcess a =
            MicroProcess.start(
                "instance-a",
                18_080,
                Map.of(
                    "courier.data.dir",
                    root.resolve("a").toAbsolutePath().toString(),
                    "courier.db.url",
                    sharedDb,
                    "h2.bindAddress",
                    "127.0.0.1"));
        MicroProcess b =
            MicroProcess.start(
                "instance-b",
                18_081,
                Map.of(
                    "courier.data.dir",
                    root.resolve("b").toAbsolutePath().toString(),
                    "courier.db.url",
                    sharedDb,
                    "courier.broker.port",
                    "61617",
                    "courier.broker.amqp-port",
                    "5673",
                    "courier.broker.stomp-port",
                    "61614",
                    "h2.bindAddress",
                    "127.0.0.1"),
                MicroProcess.rarForBrokerPort(61_617))) {
      Api.post(
          a.api() + "schedules",
          "{\"name\":\"shared\",\"cron\":\"* * * * * *\",\"task\":{\"type\":\"echo\"}}");
      // b reads the schedules table every 5 s; from then on both instances' timers fire each second
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Api.get(b.api() + "schedules/shared").asJsonObject().getBoolean("enabled"));
      Instant bothArmed = Instant.now().plusSeconds(6);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Instant.now().isAfter(bothArmed.plusSeconds(8)));

      for (Instant second = bothArmed.truncatedTo(ChronoUnit.SECONDS);
          second.isBefore(bothArmed.plusSeconds(8));
          second = second.plusSeconds(1)) {
        int tasks =
            Api.get(a.api() + "tasks?key=schedule:shared:" + second)
                .asJsonObject()
                .getJsonArray("items")
                .size();
        assertThat(tasks).as("tasks for the firing at %s", second).isEqualTo(1);
      }

      a.stop();
      long afterStop = Api.count(b, "schedule:shared:");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Api.count(b, "schedule:shared:") >= afterStop + 3);
    }
  }
}
