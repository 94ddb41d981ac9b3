package dev.courier.messaging.entity;

import jakarta.ejb.ApplicationException;
import java.util.Set;

/** A user asks the API to send where the broker's security-settings do not let its roles send. */
@ApplicationException(rollback = true)
public class NotPermitted extends RuntimeException {

  public NotPermitted(String user, Set<String> roles, String address) {
    super(
        "user '"
            + user
            + "' (roles "
            + roles
            + ") may not send to '"
            + address
            + "': the broker's security-settings give no role of it the send permission there");
  }
}
