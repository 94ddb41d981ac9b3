package dev.courier.task.control;

/**
 * A message on the task queue that can never become a task run; it goes to the dead-letter queue.
 */
public class Undeliverable extends Exception {

  public Undeliverable(String reason) {
    super(reason);
  }
}
