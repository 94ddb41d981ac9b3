package dev.courier.schedule.control;

import dev.courier.schedule.entity.Misfire;
import dev.courier.schedule.entity.Overlap;
import dev.courier.schedule.entity.Schedule;
import dev.courier.schedule.entity.ScheduleFiring;
import dev.courier.task.control.TaskSubmissions;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRequest;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Turns a firing of a schedule into a task, once. The schedule's row is locked and the firing is
 * claimed under its (schedule, fire time) key in the transaction that stores and sends the task, so
 * two instances sharing the database never both run it.
 */
@Stateless
public class ScheduleFirings {

  private static final Logger LOG = Logger.getLogger(ScheduleFirings.class.getName());

  /** A timer may fire a little early; a firing up to this far ahead counts as due now. */
  private static final Duration EARLY = Duration.ofMillis(200);

  /** At most this many overdue firings are made up in one go; older ones are dropped. */
  private static final int MAX_CATCH_UP = 10;

  @PersistenceContext EntityManager em;
  @Inject TaskSubmissions submissions;

  /**
   * A timer fired at {@code firedAt}: runs every firing due since the schedule last fired that no
   * instance has claimed, so a timer that comes late (or another instance's) loses none. Runs after
   * the timer callback has returned, so that the callback's own duration does not delay the
   * container's next timeout.
   */
  @Asynchronous
  public void fire(String name, Instant firedAt) {
    Schedule schedule = em.find(Schedule.class, name, LockModeType.PESSIMISTIC_WRITE);
    if (schedule == null || !schedule.enabled()) {
      return;
    }
    List<Instant> due =
        schedule.cronExpression().between(schedule.firedUpTo(), firedAt.plus(EARLY), MAX_CATCH_UP);
    for (Instant fireTime : due) {
      run(schedule, fireTime, true);
    }
  }

  /** At start-up: applies the schedule's misfire policy to the firings missed while down. */
  public Optional<Task> catchUp(String name, Instant now) {
    Schedule schedule = em.find(Schedule.class, name, LockModeType.PESSIMISTIC_WRITE);
    if (schedule == null || !schedule.enabled()) {
      return Optional.empty();
    }
    Optional<Instant> missed = schedule.cronExpression().lastAtOrBefore(now);
    if (missed.isEmpty() || !missed.get().isAfter(schedule.firedUpTo())) {
      return Optional.empty();
    }
    if (schedule.misfire() == Misfire.SKIP) {
      LOG.info(() -> "schedule " + name + " missed firings up to " + missed.get() + "; skipped");
      schedule.skippedUpTo(missed.get());
      return Optional.empty();
    }
    LOG.info(() -> "schedule " + name + " missed firings up to " + missed.get() + "; running once");
    return run(schedule, missed.get(), true);
  }

  /** Runs the schedule's task now, outside its cron (POST /api/schedules/{name}/trigger). */
  public Optional<Task> trigger(String name, Instant now) {
    Schedule schedule = em.find(Schedule.class, name, LockModeType.PESSIMISTIC_WRITE);
    return schedule == null ? Optional.empty() : run(schedule, now, false);
  }

  private Optional<Task> run(Schedule schedule, Instant fireTime, boolean honourOverlap) {
    if (em.find(ScheduleFiring.class, new ScheduleFiring.Key(schedule.name(), fireTime)) != null) {
      return Optional.empty();
    }
    if (honourOverlap && schedule.overlap() == Overlap.SKIP && previousIsPending(schedule)) {
      em.persist(new ScheduleFiring(schedule.name(), fireTime, null, Instant.now()));
      schedule.skippedUpTo(fireTime);
      LOG.fine(
          () -> "schedule " + schedule.name() + " skipped " + fireTime + ": previous task pending");
      return Optional.empty();
    }
    TaskRequest template = schedule.taskRequest();
    TaskRequest request =
        new TaskRequest(
            template.type(),
            template.payload(),
            Duration.ZERO,
            null,
            template.priority(),
            "schedule:" + schedule.name() + ":" + fireTime,
            template.queue(),
            template.timeoutSeconds(),
            template.groupKey());
    // the task is stored in a commit of its own; its key makes a firing that is run again (this
    // transaction rolled back) find the same task
    var submission = submissions.submit(request);
    Task task =
        submission.created() ? submission.task() : em.find(Task.class, submission.holderId());
    em.persist(new ScheduleFiring(schedule.name(), fireTime, task.id(), Instant.now()));
    schedule.fired(fireTime, task.id());
    return Optional.of(task);
  }

  private boolean previousIsPending(Schedule schedule) {
    return schedule.lastTaskId() != null
        && java.util.Optional.ofNullable(em.find(Task.class, schedule.lastTaskId()))
            .map(task -> !task.state().isFinal())
            .orElse(false);
  }
}
