package dev.courier.messaging.entity;

import jakarta.ejb.ApplicationException;

/** A message that cannot be published; the text says what is wrong with it, for the sender. */
@ApplicationException(rollback = true)
public class InvalidMessage extends RuntimeException {

  public InvalidMessage(String detail) {
    super(detail);
  }
}
