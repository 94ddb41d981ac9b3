package dev.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.Test;

/** Delayed, at-time, cancelled and recurring tasks on Payara Micro with the embedded broker. */
@RunAsClient
class SchedulingIT extends CourierIT {

  private static String aName() {
    return "it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aDelayedTaskStaysScheduledThenRunsWithinASecondOfItsDueTime() {
    JsonObject created =
        courier
            .submit("{\"type\":\"echo\",\"delaySeconds\":3,\"payload\":{\"late\":true}}")
            .json()
            .asJsonObject();
    String id = created.getString("id");
    Instant due = Instant.parse(created.getString("runAt"));
    assertThat(created.getString("state")).isEqualTo("SCHEDULED");

    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> courier.task(id).getString("state").equals("SCHEDULED"));
    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(id).getString("state").equals("SUCCEEDED"));

    Instant started = Instant.parse(courier.task(id).getString("startedAt"));
    assertThat(Duration.between(due, started)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
  }

  @Test
  void aTaskSubmittedOverJmsWithRunAtIsScheduledForThatTime() {
    String key = "runat-" + UUID.randomUUID();
    Instant due = Instant.now().plusSeconds(3);
    Courier.sendText("{\"type\":\"echo\",\"runAt\":\"" + due + "\",\"key\":\"" + key + "\"}");

    await().atMost(Courier.patience()).until(() -> courier.tasksWithKey(key).size() == 1);
    assertThat(courier.tasksWithKey(key).get(0).getString("state"))
        .isIn("SCHEDULED", "PROCESSING", "SUCCEEDED");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.tasksWithKey(key).get(0).getString("state").equals("SUCCEEDED"));
    Instant started = Instant.parse(courier.tasksWithKey(key).get(0).getString("startedAt"));
    assertThat(Duration.between(due, started)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
  }

  @Test
  void aCancelledScheduledTaskNeverRuns() {
    String id =
        courier
            .submit("{\"type\":\"echo\",\"delaySeconds\":1}")
            .json()
            .asJsonObject()
            .getString("id");

    var cancelled = courier.delete("tasks/" + id);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().asJsonObject().getString("state")).isEqualTo("CANCELLED");

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              JsonObject task = courier.task(id);
              return task.getString("state").equals("CANCELLED") && task.getInt("attempts") == 0;
            });
  }

  @Test
  void cancellingAFinishedTaskIsAConflict() {
    String id = courier.submit("{\"type\":\"echo\"}").json().asJsonObject().getString("id");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(id).getString("state").equals("SUCCEEDED"));

    var response = courier.post("tasks/" + id + "/cancel", "application/json", "");
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.problem().getString("detail")).contains("SUCCEEDED");
  }

  @Test
  void aScheduleEverySecondCreatesTasksWithItsPayloadAndPauseAndResumeStopAndRestartIt() {
    String name = aName();
    var created =
        courier.post(
            "schedules",
            "application/json",
            "{\"name\":\""
                + name
                + "\",\"cron\":\"* * * * * *\",\"task\":{\"type\":\"echo\",\"payload\":{\"from\":\""
                + name
                + "\"}}}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.location()).endsWith("/api/schedules/" + name);
    assertThat(created.json().asJsonObject().getJsonArray("nextFireTimes")).hasSize(5);

    String prefix = "schedule:" + name + ":";
    await().atMost(Courier.patience()).until(() -> courier.countWithKeyPrefix(prefix) >= 3);
    JsonObject schedule = courier.get("schedules/" + name).json().asJsonObject();
    String lastTask = schedule.getJsonObject("lastRun").getString("taskId");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(lastTask).getString("state").equals("SUCCEEDED"));
    assertThat(courier.task(lastTask).getJsonObject("result").getString("from")).isEqualTo(name);

    assertThat(courier.post("schedules/" + name + "/pause", "application/json", "").status())
        .isEqualTo(200);
    long whenPaused = courier.countWithKeyPrefix(prefix);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> courier.countWithKeyPrefix(prefix) <= whenPaused + 1);
    long afterPause = courier.countWithKeyPrefix(prefix);

    assertThat(courier.post("schedules/" + name + "/resume", "application/json", "").status())
        .isEqualTo(200);
    await()
        .atMost(Courier.patience())
        .until(() -> courier.countWithKeyPrefix(prefix) >= afterPause + 2);

    assertThat(courier.delete("schedules/" + name).status()).isEqualTo(204);
    assertThat(courier.get("schedules/" + name).status()).isEqualTo(404);
  }

  @Test
  void aScheduleInTheEjbCalendarFormAndATimeZoneIsAccepted() {
    String name = aName();
    var saved =
        courier.put(
            "schedules/" + name,
            "{\"cron\":\"second=0 minute=30 hour=9 dayOfWeek=Mon-Fri\",\"timezone\":\"Europe/Paris\","
                + "\"task\":{\"type\":\"echo\"},\"misfire\":\"run-once\",\"overlap\":\"skip\"}");
    assertThat(saved.status()).isEqualTo(201);
    JsonObject schedule = saved.json().asJsonObject();
    assertThat(schedule.getString("misfire")).isEqualTo("run-once");
    assertThat(schedule.getString("overlap")).isEqualTo("skip");
    // 09:30 in Paris is 08:30 UTC in winter
    assertThat(schedule.getJsonArray("nextFireTimes").getString(0)).endsWith("T08:30:00Z");

    var triggered = courier.post("schedules/" + name + "/trigger", "application/json", "");
    assertThat(triggered.status()).isEqualTo(201);
    String id = triggered.json().asJsonObject().getString("id");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(id).getString("state").equals("SUCCEEDED"));
    courier.delete("schedules/" + name);
  }

  @Test
  void aScheduleDeclaredInConfigurationRunsWithoutAnyApiCall() {
    // declared by system properties in micro/pom.xml (courier.schedules.it-declared.*)
    JsonObject declared = courier.get("schedules/it-declared").json().asJsonObject();
    assertThat(declared.getString("cron")).isEqualTo("second=*;minute=*;hour=*");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.countWithKeyPrefix("schedule:it-declared:") >= 2);
    String id =
        courier
            .get("schedules/it-declared")
            .json()
            .asJsonObject()
            .getJsonObject("lastRun")
            .getString("taskId");
    await()
        .atMost(Courier.patience())
        .until(() -> courier.task(id).getString("state").equals("SUCCEEDED"));
    assertThat(courier.task(id).getJsonObject("result").getBoolean("declared")).isTrue();
  }

  @Test
  void anInvalidCronIsABadRequestThatSaysWhatIsWrong() {
    var problem =
        courier
            .post(
                "schedules",
                "application/json",
                "{\"name\":\"x\",\"cron\":\"61 * * * *\",\"task\":{\"type\":\"echo\"}}")
            .problem();
    assertThat(problem.getInt("status")).isEqualTo(400);
    assertThat(problem.getString("detail")).contains("61").contains("[0, 59]");
  }

  @Test
  void anUnknownTimeZoneIsABadRequestThatNamesIt() {
    var problem =
        courier
            .post(
                "schedules",
                "application/json",
                "{\"name\":\"x\",\"cron\":\"0 * * * *\",\"timezone\":\"Mars/Olympus\",\"task\":{\"type\":\"echo\"}}")
            .problem();
    assertThat(problem.getInt("status")).isEqualTo(400);
    assertThat(problem.getString("detail")).contains("Mars/Olympus");
  }

  @Test
  void aScheduleForAnUnknownTaskTypeIsABadRequest() {
    var problem =
        courier
            .post(
                "schedules",
                "application/json",
                "{\"name\":\"x\",\"cron\":\"0 * * * *\",\"task\":{\"type\":\"no.such.type\"}}")
            .problem();
    assertThat(problem.getString("detail")).contains("no.such.type");
  }
}
