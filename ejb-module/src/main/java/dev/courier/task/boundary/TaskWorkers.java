package dev.courier.task.boundary;

import dev.courier.broker.control.BrokerClient;
import dev.courier.queue.control.TaskQueues;
import dev.courier.queue.control.TaskQueues.Consumption;
import dev.courier.task.control.TaskRunner;
import dev.courier.task.control.TaskWorker;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Starts the consumers of every task queue ({@code courier.queues}) when Courier starts, as many
 * per queue as its {@code courier.queues.<name>.concurrency}, and stops them with it. Each is a
 * {@link TaskWorker} on a managed thread rather than a message-driven bean: a worker settles a
 * batch of deliveries in one broker transaction, where the resource adapter gives every delivery to
 * a bean a transaction (and a broker round trip) of its own; and a queue is declared once, in
 * configuration, instead of once more per bean in ejb-jar.xml.
 */
@Startup
@Singleton
@DependsOn("EmbeddedBroker")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// the workers' transactions are their own: the broker's and the task store's
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TaskWorkers {

  private static final Logger LOG = Logger.getLogger(TaskWorkers.class.getName());

  @Inject TaskQueues queues;
  @Inject BrokerClient broker;
  @Inject TaskRunner runner;
  @Resource ManagedThreadFactory threads;

  private final List<TaskWorker> workers = new ArrayList<>();

  @PostConstruct
  void start() {
    for (String queue : queues.names()) {
      Consumption consumption = queues.consumption(queue);
      for (int i = 0; i < consumption.concurrency(); i++) {
        startWorker(queue, consumption);
      }
      LOG.info(() -> "queue " + queue + ": " + consumption);
    }
  }

  private synchronized void startWorker(String queue, Consumption consumption) {
    var worker =
        new TaskWorker(queue, consumption, broker, runner, old -> startWorker(queue, consumption));
    Thread thread = threads.newThread(worker);
    thread.setName("courier-worker-" + queue + "-" + (workers.size() + 1));
    thread.start();
    workers.add(worker);
  }

  @PreDestroy
  void stop() {
    List<TaskWorker> all;
    synchronized (this) {
      all = List.copyOf(workers);
    }
    all.forEach(TaskWorker::stop);
    for (TaskWorker worker : all) {
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
