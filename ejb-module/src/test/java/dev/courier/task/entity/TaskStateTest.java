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
    task.startAttempt(NOW);
    task.fail("boom", true, NOW);
    assertThat(task.state()).isEqualTo(DEAD);
    task.retry();
    assertThat(task.state()).isEqualTo(ENQUEUED);
    assertThat(task.attempts()).isZero();
    assertThat(task.finishedAt()).isNull();
    assertThat(task.startAttempt(NOW)).isTrue();
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
    task.startAttempt(NOW);
    task.fail("boom", false, NOW);
    assertThat(task.state()).isEqualTo(FAILED);
    assertThat(task.finishedAt()).isNull();
    task.startAttempt(NOW.plusSeconds(1));
    task.fail("boom again", true, NOW.plusSeconds(2));
    assertThat(task.state()).isEqualTo(DEAD);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.error()).isEqualTo("boom again");
    assertThat(task.finishedAt()).isEqualTo(NOW.plusSeconds(2));
  }

  @Test
  void aSucceededTaskCannotBeStartedAgain() {
    Task task = anEnqueuedTask();
    task.startAttempt(NOW);
    task.succeed("{\"ok\":true}", NOW);
    assertThat(task.toJson().getJsonObject("result").getBoolean("ok")).isTrue();
    assertThatThrownBy(() -> task.startAttempt(NOW))
        .isInstanceOf(IllegalTransition.class)
        .hasMessageContaining("is SUCCEEDED and cannot become PROCESSING");
  }

  @Test
  void aTaskCannotSucceedWithoutBeingStarted() {
    assertThatThrownBy(() -> anEnqueuedTask().succeed("1", NOW))
        .isInstanceOf(IllegalTransition.class);
  }

  @Test
  void aScheduledOrFailedTaskIsCancelledAtOnceAndARunningOneWhenItsHandlerStops() {
    Task scheduled = aDelayedTask();
    scheduled.cancel(NOW);
    assertThat(scheduled.state()).isEqualTo(CANCELLED);
    assertThat(scheduled.finishedAt()).isEqualTo(NOW);

    Task failed = anEnqueuedTask();
    failed.startAttempt(NOW);
    failed.fail("boom", false, NOW);
    failed.cancel(NOW);
    assertThat(failed.state()).isEqualTo(CANCELLED);

    Task running = anEnqueuedTask();
    running.startAttempt(NOW);
    assertThat(running.cancel(NOW)).as("the handler must be told").isTrue();
    assertThat(running.state()).isEqualTo(PROCESSING);
    running.fail("java.lang.InterruptedException", false, NOW);
    assertThat(running.state()).isEqualTo(CANCELLED);

    Task redelivered = anEnqueuedTask();
    redelivered.startAttempt(NOW);
    redelivered.cancel(NOW);
    // its instance died before the handler stopped: the broker's redelivery must not run it
    assertThat(redelivered.startAttempt(NOW)).isFalse();
    assertThat(redelivered.state()).isEqualTo(CANCELLED);

    assertThatThrownBy(() -> scheduled.cancel(NOW)).isInstanceOf(IllegalTransition.class);
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
    task.startAttempt(NOW);
    task.fail("x".repeat(10_000), false, NOW);
    assertThat(task.error()).hasSize(Task.MAX_ERROR_LENGTH);
  }
}
