package dev.courier.mail;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * {@code email.send} (queue email): one message, {@code {"to", "subject", "text", "html"}}. An
 * unreachable server fails the attempt (retried by the email queue's policy); a malformed or
 * refused address fails for good.
 */
@ApplicationScoped
@TaskType("email.send")
public class SendMailHandler implements TaskHandler {

  @Inject Mailer mailer;

  @Override
  public JsonValue run(TaskContext task) {
    JsonObject mail = task.payload();
    String to = required(mail, "to");
    Mailer.address(to);
    mailer.send(
        to, required(mail, "subject"), required(mail, "text"), mail.getString("html", null));
    return JSON.createObjectBuilder().add("sentTo", to).build();
  }

  static String required(JsonObject object, String field) {
    if (!(object.get(field) instanceof jakarta.json.JsonString value)
        || value.getString().isBlank()) {
      throw TaskFailure.permanent("'" + field + "' is required and must be a string");
    }
    return value.getString();
  }
}
