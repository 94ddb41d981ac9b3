package dev.courier.mail;

import dev.courier.task.control.TaskFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends mail through Jakarta Mail with the SMTP settings of MicroProfile Config: {@code
 * courier.mail.smtp.host}, {@code .port}, {@code .starttls}, {@code .username}, {@code .password},
 * {@code courier.mail.from}.
 */
@ApplicationScoped
public class Mailer {

  @Inject
  @ConfigProperty(name = "courier.mail.smtp.host", defaultValue = "127.0.0.1")
  String host;

  @Inject
  @ConfigProperty(name = "courier.mail.smtp.port", defaultValue = "25")
  int port;

  @Inject
  @ConfigProperty(name = "courier.mail.smtp.starttls", defaultValue = "false")
  boolean startTls;

  @Inject
  @ConfigProperty(name = "courier.mail.smtp.username")
  Optional<String> username;

  @Inject
  @ConfigProperty(name = "courier.mail.smtp.password")
  Optional<String> password;

  @Inject
  @ConfigProperty(name = "courier.mail.from", defaultValue = "courier@localhost")
  String from;

  private volatile Session session;

  /** The address as Jakarta Mail reads it; a malformed one fails for good. */
  public static InternetAddress address(String text) {
    try {
      return new InternetAddress(text, true);
    } catch (AddressException e) {
      throw TaskFailure.permanent("'" + text + "' is not an e-mail address: " + e.getMessage());
    }
  }

  /**
   * Sends one message, plain text with an HTML alternative when {@code html} is given. A refused
   * address fails for good; an unreachable server fails the attempt, to be retried.
   */
  public void send(String to, String subject, String text, String html) {
    try {
      MimeMessage message = new MimeMessage(session());
      message.setFrom(address(from));
      message.setRecipient(Message.RecipientType.TO, address(to));
      message.setSubject(subject, "UTF-8");
      if (html == null) {
        message.setText(text, "UTF-8");
      } else {
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setContent(html, "text/html; charset=UTF-8");
        message.setContent(new MimeMultipart("alternative", plain, rich));
      }
      Transport.send(message);
    } catch (SendFailedException e) {
      if (e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0) {
        throw TaskFailure.permanent("the mail server refused " + to + ": " + e.getMessage());
      }
      throw new TaskFailure("sending to " + to + " failed: " + e.getMessage());
    } catch (MessagingException e) {
      throw new TaskFailure(
          "the mail server " + host + ":" + port + " did not take the message: " + e.getMessage());
    }
  }

  private Session session() {
    if (session == null) {
      Properties properties = new Properties();
      properties.put("mail.smtp.host", host);
      properties.put("mail.smtp.port", String.valueOf(port));
      properties.put("mail.smtp.connectiontimeout", "10000");
      properties.put("mail.smtp.timeout", "30000");
      properties.put("mail.smtp.starttls.enable", String.valueOf(startTls));
      Authenticator authenticator = null;
      if (username.isPresent()) {
        properties.put("mail.smtp.auth", "true");
        authenticator =
            new Authenticator() {
              @Override
              protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(username.get(), password.orElse(""));
              }
            };
      }
      session = Session.getInstance(properties, authenticator);
    }
    return session;
  }
}
