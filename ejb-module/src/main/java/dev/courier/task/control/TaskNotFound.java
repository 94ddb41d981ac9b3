package dev.courier.task.control;

/** A task message whose row is not (yet) visible; the delivery is rolled back and retried. */
public class TaskNotFound extends Exception {

  public TaskNotFound(String taskId) {
    super("task " + taskId + " is not in the task store");
  }
}
