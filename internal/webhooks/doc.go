// Package webhooks pushes a project's events to HTTP receivers: the
// compliance pipeline, chat, ticketing. Admins manage receivers (Service);
// the Dispatcher delivers each receiver's events in log order, at least
// once, signed as the Standard Webhooks specification says
// (https://www.standardwebhooks.com), with retries and exponential
// backoff, and parks a receiver whose next event failed every attempt
// until an admin redelivers. A receiver's position is kept in the store,
// so deliveries resume after a restart and no event is lost while a
// receiver is down.
package webhooks
