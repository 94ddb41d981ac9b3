package dev.courier.task.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStatsTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private static Object[] aTask(TaskState state, long createdMs, Long startedMs, Long finishedMs) {
    return new Object[] {
      state,
      T0.plusMillis(createdMs),
      startedMs == null ? null : T0.plusMillis(startedMs),
      finishedMs == null ? null : T0.plusMillis(finishedMs)
    };
  }

  @Test
  void percentilesUseTheNearestRankOfStartedTasksOnly() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      rows.add(aTask(TaskState.SUCCEEDED, 0, (long) i, (long) i + 1));
    }
    rows.add(aTask(TaskState.ENQUEUED, 0, null, null));

    TaskStats stats = TaskStats.of(rows);

    assertThat(stats.count()).isEqualTo(101);
    assertThat(stats.byState())
        .containsEntry(TaskState.SUCCEEDED, 100L)
        .containsEntry(TaskState.ENQUEUED, 1L);
    assertThat(stats.startLatencyPercentile(50)).isEqualTo(50);
    assertThat(stats.startLatencyPercentile(99)).isEqualTo(99);
    assertThat(stats.startLatencyPercentile(100)).isEqualTo(100);
    assertThat(stats.firstCreated()).isEqualTo(T0);
    assertThat(stats.lastFinished()).isEqualTo(T0.plusMillis(101));
  }

  @Test
  void latenessIsMeasuredFromTheDueTime() {
    Object[] early = {
      TaskState.SUCCEEDED, T0, T0.plusMillis(990), T0.plusSeconds(1), T0.plusSeconds(1)
    };
    Object[] late = {
      TaskState.SUCCEEDED, T0, T0.plusMillis(1030), T0.plusSeconds(2), T0.plusSeconds(1)
    };

    TaskStats stats = TaskStats.of(List.of(early, late));

    assertThat(stats.latenessPercentile(50)).isEqualTo(-10);
    assertThat(stats.latenessPercentile(100)).isEqualTo(30);
  }

  @Test
  void noTasksMeansZeroes() {
    TaskStats stats = TaskStats.of(List.of());
    assertThat(stats.count()).isZero();
    assertThat(stats.startLatencyPercentile(99)).isZero();
    assertThat(stats.toJson().containsKey("firstCreatedAt")).isFalse();
  }
}
