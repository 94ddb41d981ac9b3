package dev.courier.task.entity;

/** A task was asked to move to a state that its current state does not lead to. */
public class IllegalTransition extends RuntimeException {

  public IllegalTransition(String taskId, TaskState from, TaskState to) {
    super("task " + taskId + " cannot move from " + from + " to " + to);
  }
}
