package dev.courier.notify;

import dev.courier.json.Jsons;
import dev.courier.mail.Mailer;
import dev.courier.task.control.DeadLetters;
import dev.courier.task.control.TaskFailure;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.json.JsonValue;
import java.util.logging.Logger;

/**
 * Mails notifications that name a recipient: a durable, shared subscription ({@code
 * notifications-mail}) on the {@code notifications} topic that selects {@code mailTo IS NOT NULL}.
 * The body's {@code subject} and {@code text} (or the whole body) make the mail. A server that is
 * down fails the delivery, which the broker retries with the topic's back-off and then
 * dead-letters; an address the server refuses goes to {@code notifications.dlq} at once.
 */
@MessageDriven(
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "resourceAdapter",
          propertyValue = "courier-artemis"),
      @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
      @ActivationConfigProperty(propertyName = "destination", propertyValue = Notifications.TOPIC),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Topic"),
      @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
      @ActivationConfigProperty(propertyName = "shareSubscriptions", propertyValue = "true"),
      @ActivationConfigProperty(
          propertyName = "subscriptionName",
          propertyValue = "notifications-mail"),
      @ActivationConfigProperty(
          propertyName = "messageSelector",
          propertyValue = Notifications.MAIL_TO + " IS NOT NULL"),
      @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2")
    })
public class NotificationMailer implements MessageListener {

  private static final Logger LOG = Logger.getLogger(NotificationMailer.class.getName());

  @Resource MessageDrivenContext context;
  @Inject Mailer mailer;
  @Inject DeadLetters deadLetters;

  @Override
  public void onMessage(Message message) {
    try {
      String to = message.getStringProperty(Notifications.MAIL_TO);
      JsonValue body;
      try {
        body = Jsons.read(message);
      } catch (Jsons.UnreadableBody e) {
        deadLetters.sendTo(
            Notifications.DEAD_LETTERS, Notifications.TOPIC, message, e.getMessage());
        return;
      }
      String subject = Notifications.string(body, "subject");
      String text = Notifications.string(body, "text");
      try {
        mailer.send(
            to,
            subject != null ? subject : "Notification",
            text != null ? text : body.toString(),
            Notifications.string(body, "html"));
      } catch (TaskFailure failure) {
        if (failure.isRetryable()) {
          // rolled back: the broker delivers it again after the topic's back-off
          LOG.warning(() -> "mail to " + to + " failed, to be retried: " + failure.getMessage());
          context.setRollbackOnly();
          return;
        }
        deadLetters.sendTo(
            Notifications.DEAD_LETTERS, Notifications.TOPIC, message, failure.getMessage());
      }
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    }
  }
}
