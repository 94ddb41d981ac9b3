package dev.courier.messaging.entity;

import jakarta.ejb.ApplicationException;
import java.util.List;

/** A request names a topic (or stream) the broker does not have. */
@ApplicationException(rollback = true)
public class UnknownTopic extends RuntimeException {

  public UnknownTopic(String kind, String name, List<String> known) {
    super("there is no " + kind + " '" + name + "'; the " + kind + "s are " + known);
  }
}
