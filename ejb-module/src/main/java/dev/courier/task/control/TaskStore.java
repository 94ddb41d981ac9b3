package dev.courier.task.control;

import dev.courier.store.GroupCommit;
import dev.courier.store.GroupCommit.Statements;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskRows;
import dev.courier.task.entity.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The task path's state changes, each a unit of the {@link GroupCommit}: concurrent submissions and
 * ends of attempts share commits. Each answers a future that completes once its change is durable;
 * the caller acknowledges its message, or answers its client, only then. Every change goes through
 * {@link Task}'s own rules, or is a single conditional update that those rules allow.
 *
 * <p>An attempt costs one write: its start is recorded (PROCESSING) only if it runs longer than the
 * start record's delay, or reports progress; a shorter one is stored once, started and ended. A
 * cancellation needs no recorded start to be safe: a task is CANCELLED at once only if its message
 * was withdrawn from the broker ({@link TaskDispatch#withdraw}); otherwise the task is marked, and
 * the attempt that holds its message reads the mark before it runs.
 */
@ApplicationScoped
public class TaskStore {

  private static final Logger LOG = Logger.getLogger(TaskStore.class.getName());

  @Inject GroupCommit commit;
  @Inject IdempotencyKeys keys;

  /** A new task with its key claimed, or the id of the task that holds its key. */
  public record Claimed(Task task, String holderId) {
    public boolean created() {
      return holderId == null;
    }
  }

  /** Claims the keys of new tasks, all in one transaction; a task without a key is just new. */
  public CompletableFuture<List<Claimed>> claim(List<Task> tasks) {
    return commit.submit(
        sql -> {
          Instant now = Instant.now();
          List<Claimed> claimed = new ArrayList<>(tasks.size());
          for (Task task : tasks) {
            claimed.add(new Claimed(task, keys.claim(sql, task, now).orElse(null)));
          }
          return claimed;
        });
  }

  /** Gives up the keys of tasks whose messages were not sent; nobody waits for it. */
  public void release(List<Task> tasks) {
    commit
        .submit(
            sql -> {
              for (Task task : tasks) {
                keys.release(sql, task);
              }
              return null;
            })
        .exceptionally(
            e -> {
              LOG.warning(() -> "keys of unsent tasks stay held a minute: " + e);
              return null;
            });
  }

  /**
   * Stores new tasks whose messages the broker has committed. A row that a worker stored meanwhile
   * from the message (it ran first) stays as it is.
   */
  public CompletableFuture<Void> storeSent(List<Task> tasks) {
    return commit.submit(
        sql -> {
          for (Task task : tasks) {
            if (!TaskRows.exists(sql, task.id()) && keys.confirm(sql, task)) {
              TaskRows.insert(sql, task);
            }
          }
          return null;
        });
  }

  /**
   * Stores a task with a key from its message, for a delivery that came before its row: true if it
   * is stored (now or before) and may run; false if its key went to a later submission (this one
   * was cut off by a crash, and its client submitted again): then it must not run.
   */
  public CompletableFuture<Boolean> adopt(Task restored) {
    return commit.submit(
        sql -> {
          if (TaskRows.exists(sql, restored.id())) {
            return true;
          }
          if (!keys.confirm(sql, restored)) {
            return false;
          }
          TaskRows.insert(sql, restored.copy());
          return true;
        });
  }

  /** A connection for one worker's reads of the rows its deliveries need. */
  public Statements reader() throws SQLException {
    return commit.reader();
  }

  /**
   * One attempt as a worker runs it. {@code fresh} builds the task as its message describes it, for
   * a row that may not be stored yet (a delivery that came before its submission stored it, or a
   * client's submission); null if the row was read.
   */
  public static final class Attempt {
    final Task task;
    final Supplier<Task> fresh;
    final Instant startedAt;
    volatile boolean startRecorded;
    private volatile Instant endedAt;

    public Attempt(Task task, Supplier<Task> fresh, Instant startedAt, boolean startRecorded) {
      this.task = task;
      this.fresh = fresh;
      this.startedAt = startedAt;
      this.startRecorded = startRecorded;
    }

    public Task task() {
      return task;
    }

    /** The handler has returned (or was given up): its end is now, whenever it is stored. */
    public void ended() {
      endedAt = Instant.now();
    }

    Instant endedAt() {
      Instant ended = endedAt;
      return ended != null ? ended : Instant.now();
    }

    /** 1 for the first attempt. */
    public int number() {
      return startRecorded ? task.attempts() : task.attempts() + 1;
    }

    /** The task as stored now, or as its message describes it if it is not stored. */
    Optional<Task> current(Statements sql) throws SQLException {
      Optional<Task> stored = TaskRows.find(sql, task.id());
      return stored.isPresent() || fresh == null ? stored : Optional.of(fresh.get());
    }
  }

  /**
   * Stores a task that a client sent as a message with a key and starts its first attempt, in one
   * unit: the key must be its own before it runs. Empty if another task holds the key.
   */
  public CompletableFuture<Optional<Task>> intake(Task received) {
    return commit.submit(
        sql -> {
          Instant now = Instant.now();
          if (keys.claim(sql, received, now).isPresent()) {
            return Optional.empty();
          }
          Task started = received.copy();
          started.startAttempt(now, RunningTasks.RUN);
          TaskRows.insert(sql, started);
          return Optional.of(started);
        });
  }

  /**
   * Stores a task that a client sent as a message and that runs elsewhere or later (the caller
   * forwards it in the broker transaction that consumes the client's message). Empty if it is a
   * duplicate or was stored before and finished; else the task to forward.
   */
  public CompletableFuture<Optional<Task>> accept(Task received) {
    return commit.submit(
        sql -> {
          Optional<Task> stored = TaskRows.byMessage(sql, received.messageId());
          if (stored.isPresent()) {
            // this submission came back (its forward was never committed, or a dead letter of it
            // was retried): send it on unless it has finished
            return stored.filter(task -> !task.state().isFinal());
          }
          if (keys.claim(sql, received, Instant.now()).isPresent()) {
            return Optional.empty();
          }
          TaskRows.insert(sql, received);
          return Optional.of(received);
        });
  }

  /**
   * A dead task whose dead letter was retried from outside Courier (the Artemis console or CLI)
   * starts afresh, as one retried through Courier's API does: attempts from 1, the start recorded.
   * Empty if it is no longer dead.
   */
  public CompletableFuture<Optional<Task>> restartDead(String taskId) {
    return commit.submit(
        sql -> {
          while (true) {
            Task task = TaskRows.find(sql, taskId).orElse(null);
            if (task == null || task.state() != TaskState.DEAD) {
              return Optional.empty();
            }
            LOG.info(() -> "task " + taskId + " is back from its dead-letter queue: afresh");
            task.retry();
            task.startAttempt(Instant.now(), RunningTasks.RUN);
            if (TaskRows.saveAttempt(sql, task)) {
              return Optional.of(task);
            }
          }
        });
  }

  /**
   * Records that the attempt runs (it took longer than the start record's delay, or reports
   * progress), so that readers see it PROCESSING. Units of one attempt run in the order they were
   * submitted, so its end, submitted later, finds the start recorded.
   */
  public void recordStart(Attempt attempt) {
    // the watch's thread records the start while the worker's may end the attempt: one at a time,
    // so that the end, if it comes second, is submitted after the start and knows of it
    synchronized (attempt) {
      if (attempt.startRecorded) {
        return;
      }
      attempt.startRecorded = true;
      submitStart(attempt);
    }
  }

  private void submitStart(Attempt attempt) {
    commit
        .submit(
            sql -> {
              if (TaskRows.recordStart(sql, attempt.task.id(), RunningTasks.RUN, attempt.startedAt)
                  || attempt.fresh == null
                  || TaskRows.exists(sql, attempt.task.id())) {
                return null;
              }
              Task started = attempt.fresh.get();
              started.startAttempt(attempt.startedAt, RunningTasks.RUN);
              TaskRows.insert(sql, started);
              return null;
            })
        .exceptionally(
            e -> {
              LOG.warning(() -> "the start of task " + attempt.task.id() + " was not stored: " + e);
              return null;
            });
  }

  /** Ends the attempt with success (and records its start with it if it was not). */
  public CompletableFuture<Boolean> succeed(Attempt attempt, String resultJson) {
    synchronized (attempt) {
      return commit.submit(sql -> succeed(sql, attempt, resultJson));
    }
  }

  private static boolean succeed(Statements sql, Attempt attempt, String resultJson)
      throws SQLException {
    Instant now = attempt.endedAt();
    String id = attempt.task.id();
    if (attempt.startRecorded && TaskRows.succeed(sql, id, RunningTasks.RUN, resultJson, now)) {
      return true;
    }
    if (TaskRows.succeedUnrecorded(sql, id, RunningTasks.RUN, attempt.startedAt, resultJson, now)) {
      return true;
    }
    if (attempt.fresh == null || TaskRows.exists(sql, id)) {
      return false;
    }
    Task done = attempt.fresh.get();
    done.startAttempt(attempt.startedAt, RunningTasks.RUN);
    done.succeed(resultJson, now);
    TaskRows.insert(sql, done);
    return true;
  }

  /** Records a failed attempt; answers the state the task is in now. */
  public CompletableFuture<TaskState> fail(Attempt attempt, String reason, boolean lastAttempt) {
    synchronized (attempt) {
      return submitFail(attempt, reason, lastAttempt);
    }
  }

  private CompletableFuture<TaskState> submitFail(
      Attempt attempt, String reason, boolean lastAttempt) {
    return commit.submit(
        sql ->
            end(
                sql,
                attempt,
                (task, now) -> {
                  task.fail(reason, lastAttempt, now);
                  return reason;
                }));
  }

  /** The attempt stopped because the task was cancelled while it ran. */
  public CompletableFuture<TaskState> cancelled(Attempt attempt) {
    synchronized (attempt) {
      return submitCancelled(attempt);
    }
  }

  private CompletableFuture<TaskState> submitCancelled(Attempt attempt) {
    return commit.submit(
        sql ->
            end(
                sql,
                attempt,
                (task, now) -> {
                  task.cancelled(now);
                  return null;
                }));
  }

  /** How an attempt ends on the task: the failure to keep, or null. */
  private interface Ending {
    String apply(Task task, Instant now);
  }

  private TaskState end(Statements sql, Attempt attempt, Ending ending) throws SQLException {
    while (true) {
      Optional<Task> current = attempt.current(sql);
      if (current.isEmpty()) {
        return TaskState.DEAD;
      }
      Task task = current.get();
      boolean stored = task.version() > 0;
      if (task.state().isFinal()) {
        return task.state();
      }
      Instant now = attempt.endedAt();
      String failure = null;
      if (!attempt.startRecorded && !task.startAttempt(attempt.startedAt, RunningTasks.RUN)) {
        // cancelled before the attempt started: CANCELLED, as it ran nothing that counts
      } else if (task.state() == TaskState.PROCESSING) {
        failure = ending.apply(task, now);
      } else {
        return task.state();
      }
      if (!stored) {
        TaskRows.insert(sql, task);
      } else if (!TaskRows.saveAttempt(sql, task)) {
        continue;
      }
      if (failure != null) {
        TaskRows.insertFailure(sql, task, failure, now);
      }
      return task.state();
    }
  }

  /**
   * A task whose cancellation was asked before its attempt started: it ends CANCELLED without
   * running. Answers its state now.
   */
  public CompletableFuture<TaskState> cancelledBeforeStart(String taskId) {
    return commit.submit(
        sql -> {
          while (true) {
            Task task = TaskRows.find(sql, taskId).orElse(null);
            if (task == null || task.state().isFinal()) {
              return task == null ? TaskState.CANCELLED : task.state();
            }
            if (task.startAttempt(Instant.now(), RunningTasks.RUN)) {
              // the mark was taken back meanwhile: nothing to end
              return task.state();
            }
            if (TaskRows.saveAttempt(sql, task)) {
              return task.state();
            }
          }
        });
  }

  /** A dead task goes back to ENQUEUED with its attempts reset, as its dead letter is retried. */
  public void retry(String taskId) {
    commit.run(
        sql -> {
          while (true) {
            Task task = TaskRows.find(sql, taskId).orElse(null);
            if (task == null || task.state() != TaskState.DEAD) {
              return null;
            }
            task.retry();
            if (TaskRows.saveAttempt(sql, task)) {
              return null;
            }
          }
        });
  }

  /** A task that will not run again (its message is lost) is DEAD with the reason. */
  public void giveUp(String taskId, String reason) {
    commit.run(
        sql -> {
          while (true) {
            Task task = TaskRows.find(sql, taskId).orElse(null);
            if (task == null || task.state().isFinal()) {
              return null;
            }
            Instant now = Instant.now();
            task.fail(reason, true, now);
            if (TaskRows.saveAttempt(sql, task)) {
              TaskRows.insertFailure(sql, task, reason, now);
              return null;
            }
          }
        });
  }

  /** A handler's progress report; stored in the next commit, nobody waits for it. */
  public void progress(String taskId, int percent, String message) {
    commit
        .submit(
            (Statements sql) -> {
              TaskRows.progress(sql, taskId, percent, message, Instant.now());
              return null;
            })
        .exceptionally(
            e -> {
              // a progress report is advice for readers; the task goes on whether or not it was
              // stored
              LOG.warning(() -> "progress of task " + taskId + " was not stored: " + e);
              return null;
            });
  }
}
