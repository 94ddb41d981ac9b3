package dev.courier.task.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs handlers on the thread of the worker that received the task (handing each task to a thread
 * of its own cost two thread switches per task: a third of the task path on two cores), and keeps
 * watch over them from one thread: a run that takes longer than the start record's delay has its
 * start recorded; one past its time limit, or cancelled, is interrupted; and one that does not stop
 * within {@link #GRACE} of that is given up: its attempt ends there and then, and its worker is
 * replaced, so that a handler that ignores interrupts keeps its own thread until it returns
 * (counted as overrunning) but not its queue's consumer. Knows which tasks run on this instance,
 * for cancellation.
 */
@ApplicationScoped
public class RunningTasks {

  private static final Logger LOG = Logger.getLogger(RunningTasks.class.getName());

  /**
   * This run of this instance (a new id at every start): recorded on the tasks it starts, so that a
   * later run, or another instance, knows a PROCESSING task of an earlier run is not running here.
   */
  public static final String RUN = java.util.UUID.randomUUID().toString();

  /** How long an interrupted handler has to stop before it is given up. */
  static final Duration GRACE = Duration.ofMillis(250);

  /** How often the watch looks at the runs. */
  private static final long WATCH_MILLIS = 10;

  /** How long a cancellation for a task not running here is remembered (it may be starting). */
  private static final Duration PENDING_CANCEL = Duration.ofMinutes(1);

  @Resource ManagedThreadFactory threads;

  /** The tasks whose attempt this instance started and has not yet ended, by delivery. */
  private final Map<String, Object> claims = new ConcurrentHashMap<>();

  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private final Map<String, Instant> pendingCancels = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> runningByQueue = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> overrunningByQueue = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private Thread watch;

  /** How one run ended. */
  public sealed interface Outcome {
    record Succeeded(JsonValue result) implements Outcome {}

    record Failed(Throwable cause) implements Outcome {}

    record TimedOut(Duration limit) implements Outcome {}

    record Cancelled() implements Outcome {}

    /** It did not stop when interrupted and was given up; its attempt ended then. */
    record GivenUp() implements Outcome {}
  }

  /** What the watch does for a run, on its thread. */
  public interface Watcher {
    /** The run has taken longer than the start record's delay. */
    void longRunning();

    /**
     * The run did not stop when interrupted (past its time limit, or cancelled): end its attempt
     * and free its consumer. {@code timedOut} says which.
     */
    void givenUp(boolean timedOut);
  }

  @PostConstruct
  void start() {
    watch = threads.newThread(this::watch);
    watch.setName("courier-task-watch");
    watch.setDaemon(true);
    watch.start();
  }

  @PreDestroy
  void stop() {
    stopping = true;
    watch.interrupt();
  }

  /**
   * Runs the handler on this thread, watched. Throws {@link InterruptedException} if the thread was
   * interrupted for another reason than the run's time limit or cancellation (Courier stops): the
   * caller lets the broker deliver the task again.
   */
  public Outcome run(TaskContext task, TaskHandler handler, Duration recordAfter, Watcher watcher)
      throws InterruptedException {
    long started = System.nanoTime();
    var run =
        new Run(
            task,
            Thread.currentThread(),
            started + recordAfter.toNanos(),
            task.timeout().map(limit -> started + limit.toNanos()).orElse(Long.MAX_VALUE),
            watcher,
            counter(runningByQueue, task.queue()),
            counter(overrunningByQueue, task.queue()));
    run.running.incrementAndGet();
    running.put(task.id(), run);
    try {
      if (pendingCancels.remove(task.id()) != null) {
        run.stop(false);
      }
      JsonValue result = null;
      Throwable failure = null;
      try {
        result = handler.run(task);
      } catch (Throwable e) {
        failure = e;
      }
      boolean interrupted = run.returned();
      if (run.givenUp) {
        LOG.info(() -> "the handler of task " + task.id() + " returned after it was given up");
        return new Outcome.GivenUp();
      }
      if (run.timedOut) {
        return new Outcome.TimedOut(task.timeout().orElseThrow());
      }
      if (run.cancelled) {
        return new Outcome.Cancelled();
      }
      if (interrupted || failure instanceof InterruptedException) {
        throw new InterruptedException("interrupted while task " + task.id() + " ran");
      }
      return failure != null ? new Outcome.Failed(failure) : new Outcome.Succeeded(result);
    } finally {
      running.remove(task.id(), run);
      if (!run.givenUp) {
        run.running.decrementAndGet();
      }
    }
  }

  /** One handler run, as the watch sees it. */
  private static final class Run {
    final TaskContext task;
    final Thread thread;
    final long recordAt;
    final long deadline;
    final Watcher watcher;
    final AtomicInteger running;
    final AtomicInteger overrunning;
    boolean recorded;
    volatile boolean timedOut;
    volatile boolean cancelled;
    volatile boolean givenUp;
    long stopAskedAt;
    private boolean done;

    Run(
        TaskContext task,
        Thread thread,
        long recordAt,
        long deadline,
        Watcher watcher,
        AtomicInteger running,
        AtomicInteger overrunning) {
      this.task = task;
      this.running = running;
      this.thread = thread;
      this.recordAt = recordAt;
      this.deadline = deadline;
      this.watcher = watcher;
      this.overrunning = overrunning;
    }

    /** Asks the handler to stop: flags it and interrupts its thread, unless it has returned. */
    synchronized void stop(boolean timeLimit) {
      if (done || timedOut || cancelled) {
        return;
      }
      if (timeLimit) {
        timedOut = true;
      } else {
        cancelled = true;
      }
      stopAskedAt = System.nanoTime();
      task.cancel();
      thread.interrupt();
    }

    /**
     * The handler has returned: no interrupt reaches the thread after this. Answers whether the
     * thread was interrupted (the flag is cleared).
     */
    synchronized boolean returned() {
      done = true;
      if (givenUp) {
        overrunning.decrementAndGet();
      }
      return Thread.interrupted();
    }

    /** Gives the run up if it has not returned: true if it has now. */
    synchronized boolean giveUp() {
      if (done || givenUp) {
        return false;
      }
      givenUp = true;
      running.decrementAndGet();
      overrunning.incrementAndGet();
      return true;
    }
  }

  private void watch() {
    while (!stopping) {
      try {
        TimeUnit.MILLISECONDS.sleep(WATCH_MILLIS);
      } catch (InterruptedException e) {
        continue;
      }
      long now = System.nanoTime();
      for (Run run : running.values()) {
        try {
          look(run, now);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "watching task " + run.task.id() + " failed", e);
        }
      }
    }
  }

  private void look(Run run, long now) {
    if (!run.recorded && now >= run.recordAt) {
      run.recorded = true;
      run.watcher.longRunning();
    }
    if (now >= run.deadline) {
      run.stop(true);
    }
    if ((run.timedOut || run.cancelled)
        && now - run.stopAskedAt >= GRACE.toNanos()
        && run.giveUp()) {
      // a delivery of the task that comes again may run it now
      claims.remove(run.task.id());
      LOG.warning(
          () ->
              "task "
                  + run.task.id()
                  + " ("
                  + run.task.type()
                  + ") did not stop when interrupted; its attempt ends now, another consumer"
                  + " takes its place and the handler runs on until it returns");
      run.watcher.givenUp(run.timedOut);
    }
  }

  /** A delivery of the task has started an attempt here. */
  public boolean claim(String taskId, Object delivery) {
    Object holder = claims.putIfAbsent(taskId, delivery);
    return holder == null || holder == delivery;
  }

  /** The delivery's attempt has ended (or never started). */
  public void release(String taskId, Object delivery) {
    claims.remove(taskId, delivery);
  }

  /**
   * Cancels a task if it runs here: flags it and interrupts its handler. A task not running here is
   * remembered for a minute, in case its start on this instance is under way.
   */
  public boolean cancel(String taskId) {
    Run run = running.get(taskId);
    if (run == null) {
      Instant now = Instant.now();
      pendingCancels.values().removeIf(at -> at.isBefore(now.minus(PENDING_CANCEL)));
      pendingCancels.put(taskId, now);
      return false;
    }
    run.stop(false);
    return true;
  }

  /** Handlers of the queue running on this instance now. */
  public int running(String queue) {
    return counter(runningByQueue, queue).get();
  }

  /** Handlers of the queue that were interrupted, did not stop, and still run. */
  public int overrunning(String queue) {
    return counter(overrunningByQueue, queue).get();
  }

  private static AtomicInteger counter(Map<String, AtomicInteger> counters, String queue) {
    return counters.computeIfAbsent(queue, q -> new AtomicInteger());
  }
}
