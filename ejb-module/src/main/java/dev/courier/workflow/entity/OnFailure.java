package dev.courier.workflow.entity;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a step's failure (its task, or a step inside it, ending DEAD) does to the workflow, as in
 * BullMQ's flows: {@code FAIL} (the default) fails the workflow and cancels the steps not yet
 * started, with the reason; {@code CONTINUE} lets the enclosing step go on as if this one had
 * finished (BullMQ's {@code continueParentOnFailure}), its result null; {@code IGNORE} does the
 * same and records the failure only in the step (BullMQ's {@code ignoreDependencyOnFailure}).
 */
public enum OnFailure {
  FAIL,
  CONTINUE,
  IGNORE;

  /** The policy a request names ("fail", "continue", "ignore"), or null for another text. */
  static OnFailure named(String name) {
    return Arrays.stream(values())
        .filter(p -> p.name().equals(name.toUpperCase(Locale.ROOT)))
        .findFirst()
        .orElse(null);
  }

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
