package dev.courier.schedule.entity;

import jakarta.ejb.ApplicationException;

/** A schedule definition that cannot be used; the message says what is wrong with it. */
@ApplicationException(rollback = true)
public class InvalidSchedule extends RuntimeException {

  public InvalidSchedule(String detail) {
    super(detail);
  }
}
