package dev.courier.workflow.entity;

import dev.courier.task.entity.TaskRequest;
import java.util.List;

/**
 * One step of a workflow: a task, a chain (steps in order, each result passed to the next), or a
 * group (steps in parallel; with a callback, a chord, whose callback receives every member's result
 * in member order). Each step knows its place in the tree ({@code path}, as in {@code
 * $.chain[1].group[0]}), by which a refusal, the API and the store name it.
 */
public sealed interface Step {

  String path();

  OnFailure onFailure();

  /** The tasks of this step and every step inside it. */
  int taskCount();

  /**
   * A task. In a chain it receives the result of the step before unless {@code receivesResult} is
   * false (Celery's immutable signature, {@code .si}).
   */
  record Task(String path, TaskRequest request, boolean receivesResult, OnFailure onFailure)
      implements Step {
    @Override
    public int taskCount() {
      return 1;
    }
  }

  /** Steps one after another. */
  record Chain(String path, List<Step> steps, OnFailure onFailure) implements Step {
    public Chain {
      steps = List.copyOf(steps);
    }

    @Override
    public int taskCount() {
      return steps.stream().mapToInt(Step::taskCount).sum();
    }
  }

  /** Steps side by side; with a callback (a chord), the callback runs once after all of them. */
  record Group(String path, List<Step> members, Step callback, OnFailure onFailure)
      implements Step {
    public Group {
      members = List.copyOf(members);
    }

    public boolean isChord() {
      return callback != null;
    }

    @Override
    public int taskCount() {
      return members.stream().mapToInt(Step::taskCount).sum()
          + (callback == null ? 0 : callback.taskCount());
    }
  }
}
