package dev.courier.observe;

import dev.courier.broker.boundary.EmbeddedBroker;
import dev.courier.queue.control.TaskQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Courier's application metrics (MicroProfile Metrics, Prometheus format at {@code /metrics}):
 * {@code courier_tasks_submitted_total}, {@code courier_tasks_succeeded_total}, {@code
 * courier_tasks_failed_total} (attempts that failed), {@code courier_tasks_dead_total} and {@code
 * courier_tasks_cancelled_total} by type and queue; {@code courier_task_run_seconds} (a timer per
 * type and queue); {@code courier_queue_depth}, {@code courier_queue_in_flight} and {@code
 * courier_queue_dead_letters} per queue, read from the broker when scraped; the broker's message
 * memory ({@code courier_broker_address_memory_bytes}), the share of the journal's disk in use
 * ({@code courier_broker_disk_store_usage_ratio}) and its connections.
 */
@ApplicationScoped
public class TaskMetrics {

  @Inject MetricRegistry registry;

  private final Map<String, Object> metrics = new ConcurrentHashMap<>();
  @Inject TaskQueues queues;
  @Inject EmbeddedBroker broker;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
    for (String queue : queues.names()) {
      Tag tag = new Tag("queue", queue);
      registry.gauge("courier.queue.depth", () -> count(TaskQueues.address(queue), false), tag);
      registry.gauge("courier.queue.in.flight", () -> count(TaskQueues.address(queue), true), tag);
      registry.gauge(
          "courier.queue.dead.letters",
          () -> count(TaskQueues.deadLetterAddress(queue), false),
          tag);
    }
    registry.gauge("courier.broker.address.memory.bytes", broker::addressMemoryUsage);
    registry.gauge("courier.broker.disk.store.usage.ratio", broker::diskStoreUsage);
    registry.gauge("courier.broker.connections", broker::connectionCount);
  }

  private long count(String address, boolean delivering) {
    return broker
        .queue(address)
        .map(q -> delivering ? (long) q.getDeliveringCount() : q.getMessageCount())
        .orElse(0L);
  }

  public void submitted(String type, String queue) {
    counter("courier.tasks.submitted", type, queue).inc();
  }

  public void succeeded(String type, String queue, Duration took) {
    counter("courier.tasks.succeeded", type, queue).inc();
    timer(type, queue).update(took);
  }

  public void failed(String type, String queue, Duration took, boolean dead) {
    counter("courier.tasks.failed", type, queue).inc();
    timer(type, queue).update(took);
    if (dead) {
      counter("courier.tasks.dead", type, queue).inc();
    }
  }

  public void cancelled(String type, String queue) {
    counter("courier.tasks.cancelled", type, queue).inc();
  }

  // the registry's look-up of a metric by name and tags showed up on every task's path: each
  // metric is looked up once and kept
  private Counter counter(String name, String type, String queue) {
    return (Counter)
        metrics.computeIfAbsent(
            name + '\u0000' + type + '\u0000' + queue,
            k -> registry.counter(name, tags(type, queue)));
  }

  private Timer timer(String type, String queue) {
    return (Timer)
        metrics.computeIfAbsent(
            "courier.task.run\u0000" + type + '\u0000' + queue,
            k -> registry.timer("courier.task.run", tags(type, queue)));
  }

  private static Tag[] tags(String type, String queue) {
    return new Tag[] {new Tag("type", type), new Tag("queue", queue)};
  }
}
