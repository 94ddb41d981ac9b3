package dev.courier.task.entity;

import static dev.courier.task.entity.TaskState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskStateTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private static Task anEnqueuedTask() {
    return Task.submitted(
        new TaskRequest("echo", Json.createObjectBuilder().build(), Duration.ZERO, 4, null),
        "default",
        NOW);
  }

  private static Task aDelayedTask() {
    return Task.submitted(
        new TaskRequest(
            "echo", Json.createObjectBuilder().build(), Duration.ofSeconds(30), 4, null),
        "default",
        NOW);
  }

  @Test
  void finishedStatesLeadNowhere() {
    assertThat(SUCCEEDED.isFinal()).isTrue();
    assertThat(DEAD.isFinal()).isTrue();
    assertThat(CANCELLED.isFinal()).isTrue();
    assertThat(FAILED.isFinal()).isFalse();
    for (TaskState target : values()) {
      assertThat(SUCCEEDED.canMoveTo(target)).isFalse();
      assertThat(CANCELLED.canMoveTo(target)).isFalse();
    }
    // only retrying its dead letter revives a dead task
    assertThat(DEAD.next()).containsExactly(ENQUEUED);
  }

  @Test
  void aRetriedDeadTaskStartsAgainWithItsAttemptsReset() {
    Task task = anEnqueuedTask();
    task.startAttempt(NOW, "run-1");
    task.fail("boom", true, NOW);
    assertThat(task.state()).isEqualTo(DEAD);
    task.retry();
    assertThat(task.state()).isEqualTo(ENQUEUED);
    assertThat(task.attempts()).isZero();
    assertThat(task.finishedAt()).isNull();
    assertThat(task.startAttempt(NOW, "run-1")).isTrue();
    assertThat(task.attempts()).isEqualTo(1);
  }

  @Test
  void aFailedTaskMayBeRetriedOrDie() {
    assertThat(FAILED.canMoveTo(PROCESSING)).isTrue();
    assertThat(FAILED.canMoveTo(DEAD)).isTrue();
    assertThat(FAILED.canMoveTo(SUCCEEDED)).isFalse();
  }

  @Test
  void aTaskWithoutDelayIsEnqueuedAndOneWithDelayIsScheduled() {
    assertThat(anEnqueuedTask().state()).isEqualTo(ENQUEUED);
    Task delayed = aDelayedTask();
    assertThat(delayed.state()).isEqualTo(SCHEDULED);
    assertThat(delayed.runAt()).isEqualTo(NOW.plusSeconds(30));
  }

  @Test
  void eachAttemptIsCountedAndTheLastFailureKillsTheTask() {
    Task task = anEnqueuedTask();
    task.startAttempt(NOW, "run-1");
    task.fail("boom", false, NOW);
    assertThat(task.state()).isEqualTo(FAILED);
    assertThat(task.finishedAt()).isNull();
    task.startAttempt(NOW.plusSeconds(1), "run-1");
    task.fail("boom again", true, NOW.plusSeconds(2));
    assertThat(task.state()).isEqualTo(DEAD);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.error()).isEqualTo("boom again");
    assertThat(task.finishedAt()).isEqualTo(NOW.plusSeconds(2));
  }

  @Test
  void aSucceededTaskCannotBeStartedAgain() {
    Task task = anEnqueuedTask();
    task.startAttempt(NOW, "run-1");
    task.succeed("{\"ok\":true}", NOW);
    assertThat(task.toJson().getJsonObject("result").getBoolean("ok")).isTrue();
    assertThatThrownBy(() -> task.startAttempt(NOW, "run-1"))
        .isInstanceOf(IllegalTransition.class)
        .hasMessageContaining("is SUCCEEDED and cannot become PROCESSING");
  }

  @Test
  void aTaskCannotSucceedWithoutBeingStarted() {
    assertThatThrownBy(() -> anEnqueuedTask().succeed("1", NOW))
        .isInstanceOf(IllegalTransition.class);
  }

  @Test
  void aTaskWhoseMessageIsWithdrawnIsCancelledAtOnceAndAnyOtherWhenItsAttemptEnds() {
    Task scheduled = aDelayedTask();
    assertThat(scheduled.cancel(NOW, true)).as("no instance needs telling").isFalse();
    assertThat(scheduled.state()).isEqualTo(CANCELLED);
    assertThat(scheduled.finishedAt()).isEqualTo(NOW);

    Task failed = anEnqueuedTask();
    failed.startAttempt(NOW, "run-1");
    failed.fail("boom", false, NOW);
    failed.cancel(NOW, true);
    assertThat(failed.state()).isEqualTo(CANCELLED);

    Task running = anEnqueuedTask();
    running.startAttempt(NOW, "run-1");
    assertThat(running.cancel(NOW, false)).as("the handler must be told").isTrue();
    assertThat(running.state()).isEqualTo(PROCESSING);
    running.fail("java.lang.InterruptedException", false, NOW);
    assertThat(running.state()).isEqualTo(CANCELLED);

    Task onItsWay = anEnqueuedTask();
    assertThat(onItsWay.cancel(NOW, false)).isTrue();
    assertThat(onItsWay.state()).as("its message is with a worker").isEqualTo(ENQUEUED);
    assertThat(onItsWay.startAttempt(NOW, "run-1")).isFalse();
    assertThat(onItsWay.state()).isEqualTo(CANCELLED);

    Task redelivered = anEnqueuedTask();
    redelivered.startAttempt(NOW, "run-1");
    redelivered.cancel(NOW, false);
    // its instance died before the handler stopped: the broker's redelivery must not run it
    assertThat(redelivered.startAttempt(NOW, "run-1")).isFalse();
    assertThat(redelivered.state()).isEqualTo(CANCELLED);

    assertThatThrownBy(() -> scheduled.cancel(NOW, true)).isInstanceOf(IllegalTransition.class);
    assertThatThrownBy(() -> scheduled.cancel(NOW, false)).isInstanceOf(IllegalTransition.class);
  }

  @Test
  void newIdsAreTimeOrderedUuids() {
    String first = Task.newId();
    String later = first;
    for (int i = 0; i < 1000 && later.substring(0, 13).equals(first.substring(0, 13)); i++) {
      later = Task.newId();
    }
    assertThat(java.util.UUID.fromString(first).version()).isEqualTo(7);
    assertThat(later.substring(0, 13)).isGreaterThanOrEqualTo(first.substring(0, 13));
  }

  @Test
  void aTaskWithRunAtInTheFutureIsScheduledForThatInstant() {
    Task task =
        Task.submitted(
            TaskRequest.parse("{\"type\":\"echo\",\"runAt\":\"2026-11-25T11:00:00+01:00\"}"),
            "default",
            NOW.minusSeconds(5));
    assertThat(task.state()).isEqualTo(SCHEDULED);
    assertThat(task.runAt()).isEqualTo(NOW);
    Task past =
        Task.submitted(
            TaskRequest.parse("{\"type\":\"echo\",\"runAt\":\"2020-01-01T00:00:00Z\"}"),
            "default",
            NOW);
    assertThat(past.state()).isEqualTo(ENQUEUED);
  }

  @Test
  void longErrorsAreCutToTheColumnSize() {
    Task task = anEnqueuedTask();
    task.startAttempt(NOW, "run-1");
    task.fail("x".repeat(10_000), false, NOW);
    assertThat(task.error()).hasSize(Task.MAX_ERROR_LENGTH);
  }
}
