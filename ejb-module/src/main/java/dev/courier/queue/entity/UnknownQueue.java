package dev.courier.queue.entity;

import jakarta.ejb.ApplicationException;
import java.util.List;

/** A request names a task queue that Courier does not run. */
@ApplicationException(rollback = true)
public class UnknownQueue extends RuntimeException {

  public UnknownQueue(String name, List<String> queues) {
    super("there is no task queue '" + name + "'; the queues are " + queues);
  }
}
