package datasource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"google.golang.org/api/googleapi"

	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store/blobs"
)

// maxRedirects bounds the redirects one fetch follows, each checked
// against the allowlist like the URL itself.
const maxRedirects = 5

// Opener opens remote sources for the validation engine (it is a
// quality.Remote): http(s) URLs through an HTTP client, s3:// objects
// through the AWS SDK, gs:// objects through the Cloud Storage client,
// az://container/blob through the Azure Blob Storage client. Every URL, and every redirect an http(s) source
// answers with, is checked against the allowlist before a request is
// sent.
type Opener struct {
	allow *Allowlist
	http  quality.HTTP
	s3    blobs.S3Access

	s3client  lazy[*s3.Client]
	gcsclient lazy[*storage.Client]
	azclient  lazy[*azblob.Client]
}

// lazy is a client made on first use, so a server that reads no source of
// its kind needs no credentials for it; a failure is not kept, so the next
// source tries again.
type lazy[T any] struct {
	mu   sync.Mutex
	v    T
	made bool
}

func (l *lazy[T]) get(build func() (T, error)) (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.made {
		v, err := build()
		if err != nil {
			return v, err
		}
		l.v, l.made = v, true
	}
	return l.v, nil
}

// NewOpener returns an opener that reads what allow admits: http(s)
// through client (nil: a client of its own; its redirect policy is
// replaced) and S3 as access says, with credentials from the SDK's
// standard chain, looked up on the first s3:// source.
func NewOpener(allow *Allowlist, client *http.Client, access blobs.S3Access) *Opener {
	c := &http.Client{}
	if client != nil {
		cp := *client
		c = &cp
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return allow.Check(req.URL.String())
	}
	return &Opener{allow: allow, http: quality.HTTP{Client: c}, s3: access}
}

// Check returns nil when uri is a remote source the opener may read.
func (o *Opener) Check(uri string) error { return o.allow.Check(uri) }

// Open implements quality.Remote.
func (o *Opener) Open(ctx context.Context, uri string) (io.ReadCloser, int64, error) {
	loc, err := o.allow.admit(uri)
	if err != nil {
		return nil, 0, err
	}
	if loc.scheme != "http" && loc.scheme != "https" && len(loc.segments) == 0 {
		return nil, 0, fmt.Errorf("%s names a bucket, not an object", errs.Quote(uri))
	}
	switch loc.scheme {
	case "http", "https":
		return o.http.Open(ctx, uri)
	case "gs":
		return o.openGCS(ctx, uri, loc)
	case "az":
		return o.openAzure(ctx, uri, loc)
	}
	return o.openS3(ctx, uri, loc)
}

// openS3 reads an S3 object.
func (o *Opener) openS3(ctx context.Context, uri string, loc location) (io.ReadCloser, int64, error) {
	client, err := o.s3Client(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", errs.Quote(uri), err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.host), Key: aws.String(strings.Join(loc.segments, "/"))})
	if err != nil {
		switch blobs.HTTPStatus(err) {
		case http.StatusNotFound:
			return nil, 0, fmt.Errorf("read %s: no such object", errs.Quote(uri))
		case http.StatusForbidden:
			return nil, 0, fmt.Errorf("read %s: access denied to the hub's S3 credentials", errs.Quote(uri))
		}
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, fmt.Errorf("read %s: S3 did not answer: %s", errs.Quote(uri), errs.Clip(err.Error()))
	}
	size := int64(-1)
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	return out.Body, size, nil
}

// s3Client is the S3 client, made on first use.
func (o *Opener) s3Client(ctx context.Context) (*s3.Client, error) {
	return o.s3client.get(func() (*s3.Client, error) {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return blobs.NewS3Client(cctx, o.s3)
	})
}

// openGCS reads a Google Cloud Storage object.
func (o *Opener) openGCS(ctx context.Context, uri string, loc location) (io.ReadCloser, int64, error) {
	client, err := o.gcsClient()
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", errs.Quote(uri), err)
	}
	r, err := client.Bucket(loc.host).Object(strings.Join(loc.segments, "/")).NewReader(ctx)
	if err != nil {
		var api *googleapi.Error
		switch {
		case errors.Is(err, storage.ErrObjectNotExist) || errors.Is(err, storage.ErrBucketNotExist):
			return nil, 0, fmt.Errorf("read %s: no such object", errs.Quote(uri))
		case errors.As(err, &api) && (api.Code == http.StatusForbidden || api.Code == http.StatusUnauthorized):
			return nil, 0, fmt.Errorf("read %s: access denied to the hub's Google Cloud credentials", errs.Quote(uri))
		case ctx.Err() != nil:
			return nil, 0, ctx.Err()
		}
		return nil, 0, fmt.Errorf("read %s: Cloud Storage did not answer: %s", errs.Quote(uri), errs.Clip(err.Error()))
	}
	return r, r.Attrs.Size, nil
}

// gcsClient is the Cloud Storage client, made on first use with the
// application default credentials (GOOGLE_APPLICATION_CREDENTIALS, the
// workload's service account), or none against the emulator that
// STORAGE_EMULATOR_HOST names.
func (o *Opener) gcsClient() (*storage.Client, error) {
	return o.gcsclient.get(func() (*storage.Client, error) {
		// Not a request's context: the client keeps the context it is made
		// with for refreshing its tokens. Reads go through the JSON API,
		// which an emulator serves as Cloud Storage does.
		client, err := storage.NewClient(context.Background(), storage.WithJSONReads())
		if err != nil {
			return nil, fmt.Errorf("no Google Cloud credentials: set GOOGLE_APPLICATION_CREDENTIALS or run with a service account: %s", errs.Clip(err.Error()))
		}
		return client, nil
	})
}

// openAzure reads an Azure Blob Storage blob of the account the hub's
// environment names.
func (o *Opener) openAzure(ctx context.Context, uri string, loc location) (io.ReadCloser, int64, error) {
	client, err := o.azureClient()
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", errs.Quote(uri), err)
	}
	resp, err := client.DownloadStream(ctx, loc.host, strings.Join(loc.segments, "/"), nil)
	if err != nil {
		var re *azcore.ResponseError
		switch {
		case bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound):
			return nil, 0, fmt.Errorf("read %s: no such blob", errs.Quote(uri))
		case errors.As(err, &re) && (re.StatusCode == http.StatusForbidden || re.StatusCode == http.StatusUnauthorized):
			return nil, 0, fmt.Errorf("read %s: access denied to the hub's Azure credentials", errs.Quote(uri))
		case ctx.Err() != nil:
			return nil, 0, ctx.Err()
		}
		return nil, 0, fmt.Errorf("read %s: Azure Blob Storage did not answer: %s", errs.Quote(uri), errs.Clip(err.Error()))
	}
	size := int64(-1)
	if resp.ContentLength != nil {
		size = *resp.ContentLength
	}
	return resp.Body, size, nil
}

// azureClient is the Blob Storage client, made on first use: from
// AZURE_STORAGE_CONNECTION_STRING when set (an account key or SAS, or the
// emulator's), else for the account AZURE_STORAGE_ACCOUNT names with the
// credentials azidentity finds (a service principal's AZURE_* variables,
// workload identity, a managed identity).
func (o *Opener) azureClient() (*azblob.Client, error) {
	return o.azclient.get(func() (*azblob.Client, error) {
		if cs := os.Getenv("AZURE_STORAGE_CONNECTION_STRING"); cs != "" {
			client, err := azblob.NewClientFromConnectionString(cs, nil)
			if err != nil {
				return nil, fmt.Errorf("AZURE_STORAGE_CONNECTION_STRING: %s", errs.Clip(err.Error()))
			}
			return client, nil
		}
		account := os.Getenv("AZURE_STORAGE_ACCOUNT")
		if account == "" {
			return nil, errors.New("no Azure storage account: set AZURE_STORAGE_ACCOUNT (with credentials azidentity finds) or AZURE_STORAGE_CONNECTION_STRING")
		}
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("no Azure credentials: %s", errs.Clip(err.Error()))
		}
		client, err := azblob.NewClient("https://"+account+".blob.core.windows.net/", cred, nil)
		if err != nil {
			return nil, fmt.Errorf("AZURE_STORAGE_ACCOUNT %s: %s", errs.Quote(account), errs.Clip(err.Error()))
		}
		return client, nil
	})
}
