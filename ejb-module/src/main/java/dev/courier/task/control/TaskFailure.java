package dev.courier.task.control;

/** A handler's way to fail an attempt with a message meant for the people reading the task. */
public class TaskFailure extends RuntimeException {

  public TaskFailure(String message) {
    super(message);
  }
}
