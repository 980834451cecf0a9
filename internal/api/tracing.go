package api

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/exphub/exphub/internal/telemetry"
)

// traceRequests makes a server span of each request to route ("POST
// graphql", "POST openlineage", …: the route, never the path, so that
// span names stay few), continuing the caller's trace from its
// traceparent header. Websocket upgrades are not traced: a span would
// last as long as the connection.
func traceRequests(tp trace.TracerProvider, route string, next http.Handler) http.Handler {
	if tp == nil {
		return next
	}
	return otelhttp.NewHandler(next, route,
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(telemetry.Propagator),
		otelhttp.WithSpanNameFormatter(func(op string, r *http.Request) string { return r.Method + " " + op }),
		otelhttp.WithFilter(func(r *http.Request) bool { return !isWebsocketUpgrade(r) }))
}

// tracing is a gqlgen extension that makes a span of each query and
// mutation, named as the OpenTelemetry GraphQL conventions say
// ("query RunsPage"), with the count of errors in the response, and under
// it a span of each field a resolver computes ("Query.lineage",
// "Run.metrics": the fields that reach the domain and the store; fields
// read from an object already loaded have none). Subscriptions are not
// traced: they last as long as their client.
type tracing struct {
	tracer trace.Tracer
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.FieldInterceptor
} = tracing{}

func (tracing) ExtensionName() string { return "Tracing" }

func (tracing) Validate(graphql.ExecutableSchema) error { return nil }

// maxSpanOperationName bounds the caller-chosen operation name in a span's
// name and attributes.
const maxSpanOperationName = 64

func (t tracing) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	kind, name := string(oc.Operation.Operation), oc.Operation.Name
	if len(name) > maxSpanOperationName {
		name = name[:maxSpanOperationName]
	}
	spanName := kind
	if name != "" {
		spanName += " " + name
	}
	ctx, span := t.tracer.Start(ctx, spanName, trace.WithAttributes(
		attribute.String("graphql.operation.type", kind), attribute.String("graphql.operation.name", name)))
	handler := next(ctx)
	ended := false
	return func(ctx context.Context) *graphql.Response {
		resp := handler(ctx)
		if !ended {
			ended = true
			if resp != nil && len(resp.Errors) > 0 {
				span.SetAttributes(attribute.Int("exphub.graphql.errors", len(resp.Errors)))
				span.SetStatus(codes.Error, resp.Errors[0].Message)
			}
			span.End()
		}
		return resp
	}
}

// InterceptField makes a span of a resolver's work while an operation
// span records (so a subscription, or a request nobody samples, costs
// nothing here), named by the object and the field, with the field's path.
func (t tracing) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver || !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	ctx, span := t.tracer.Start(ctx, fc.Object+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.path", fc.Path().String())))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
	}
	return res, err
}
