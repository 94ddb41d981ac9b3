package dev.courier.task.control;

import jakarta.json.JsonValue;

/**
 * Runs one kind of task. Implement it as a CDI bean (e.g. {@code @ApplicationScoped}) and name the
 * task type it runs with {@link TaskType}. Return the result as JSON; throw to fail the attempt,
 * and the broker retries it with back-off until the queue's max-delivery-attempts.
 */
public interface TaskHandler {

  JsonValue run(TaskContext task) throws Exception;
}
