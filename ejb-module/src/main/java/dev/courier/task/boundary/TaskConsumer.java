package dev.courier.task.boundary;

import dev.courier.task.control.TaskMessages;
import dev.courier.task.control.TaskRunner;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/** Runs the tasks on {@code courier.tasks}, one attempt per delivery. */
@MessageDriven(
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "resourceAdapter",
          propertyValue = "courier-artemis"),
      @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
      @ActivationConfigProperty(propertyName = "destination", propertyValue = TaskMessages.QUEUE),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Queue"),
      @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "15")
    })
public class TaskConsumer implements MessageListener {

  @Resource MessageDrivenContext context;
  @Inject TaskRunner runner;

  @Override
  public void onMessage(Message message) {
    try {
      if (!runner.process(message)) {
        context.setRollbackOnly();
      }
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    }
  }
}
