package dev.courier.task.control;

import dev.courier.broker.control.BrokerClient;
import dev.courier.queue.control.TaskQueues;
import dev.courier.queue.control.TaskQueues.Consumption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;

/**
 * One of a queue's consumers on this instance, on a thread of its own: takes the deliveries that
 * are waiting (up to the queue's batch), has the {@link TaskRunner} run and settle them, and takes
 * the next. A broken session (the broker restarted, say) is closed, which returns its deliveries to
 * the queue, and opened again a second later.
 */
public final class TaskWorker implements Runnable {

  private static final Logger LOG = Logger.getLogger(TaskWorker.class.getName());

  private final String queue;
  private final Consumption consumption;
  private final BrokerClient broker;
  private final TaskRunner runner;
  private final Consumer<TaskWorker> replace;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean retired;
  private volatile Thread thread;
  private volatile ClientSession session;

  /** {@code replace} starts a worker in the place of one whose handler did not stop. */
  public TaskWorker(
      String queue,
      Consumption consumption,
      BrokerClient broker,
      TaskRunner runner,
      Consumer<TaskWorker> replace) {
    this.queue = queue;
    this.consumption = consumption;
    this.broker = broker;
    this.runner = runner;
    this.replace = replace;
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    while (stopped.getCount() > 0) {
      try {
        consume();
      } catch (InterruptedException e) {
        // stopping; an attempt under way was interrupted and its delivery goes back to the queue
      } catch (TaskRunner.GivenUp e) {
        return;
      } catch (ActiveMQException | RuntimeException e) {
        if (stopped.getCount() > 0 && !retired) {
          LOG.log(Level.WARNING, "a worker of queue " + queue + " lost its session; reopening", e);
          pause();
        }
      } finally {
        close();
      }
    }
  }

  private void consume() throws ActiveMQException, InterruptedException {
    session = broker.transactedSession();
    ClientConsumer consumer =
        session.createConsumer(
            SimpleString.of(TaskQueues.address(queue)),
            null,
            consumption.prefetchBytes(),
            -1,
            false);
    session.start();
    List<ClientMessage> batch = new ArrayList<>(consumption.batch());
    try (TaskRunner.Worker worker = runner.worker(session, queue, this::giveUp)) {
      consumeWith(consumer, worker, batch);
    }
  }

  private void consumeWith(
      ClientConsumer consumer, TaskRunner.Worker worker, List<ClientMessage> batch)
      throws ActiveMQException, InterruptedException {
    while (stopped.getCount() > 0) {
      ClientMessage first = consumer.receive(1000);
      if (first == null) {
        continue;
      }
      batch.add(first);
      // the client drops a large message's body at the next receive: such a message ends a batch
      while (batch.size() < consumption.batch() && !batch.get(batch.size() - 1).isLargeMessage()) {
        ClientMessage next = consumer.receiveImmediate();
        if (next == null) {
          break;
        }
        batch.add(next);
      }
      runner.process(worker, batch);
      batch.clear();
    }
  }

  private void pause() {
    try {
      stopped.await(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void close() {
    ClientSession open = session;
    session = null;
    if (open != null) {
      try {
        open.close();
      } catch (ActiveMQException e) {
        LOG.log(Level.FINE, "closing a worker's session", e);
      }
    }
  }

  /**
   * A handler this worker runs did not stop when interrupted (its delivery is settled already): a
   * new worker takes this one's place and this one's session is closed, from the watch's thread.
   * The handler's thread ends once it returns.
   */
  private void giveUp() {
    retired = true;
    stopped.countDown();
    close();
    replace.accept(this);
  }

  /** Stops taking deliveries and interrupts an attempt under way. */
  public void stop() {
    stopped.countDown();
    Thread running = thread;
    if (running != null) {
      running.interrupt();
    }
  }

  /** Waits until the worker's thread has ended. */
  public void join(long millis) throws InterruptedException {
    Thread running = thread;
    if (running != null) {
      running.join(millis);
    }
  }
}
