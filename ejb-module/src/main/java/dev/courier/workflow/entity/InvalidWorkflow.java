package dev.courier.workflow.entity;

import dev.courier.task.entity.InvalidTaskRequest;
import jakarta.ejb.ApplicationException;

/** A workflow that cannot be run, refused with the step that is wrong (null: the whole request). */
@ApplicationException(rollback = true)
public class InvalidWorkflow extends InvalidTaskRequest {

  private static final long serialVersionUID = 1L;

  private final String step;

  InvalidWorkflow(String step, String detail) {
    super("Invalid workflow", step == null ? detail : "step " + step + ": " + detail);
    this.step = step;
  }

  /** The path of the step that is wrong, as in {@code $.chain[1].group[0]}; null for the whole. */
  public String step() {
    return step;
  }
}
