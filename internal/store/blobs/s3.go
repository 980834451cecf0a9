package blobs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/exphub/exphub/internal/errs"
)

// S3Scheme starts an artifact root that names an S3 bucket rather than a
// directory: s3://bucket/prefix.
const S3Scheme = "s3://"

// S3 part sizes: S3 refuses parts under 5 MiB (but the last), and a single
// CopyObject of more than 5 GiB.
const (
	minPartSize        = 5 << 20
	defaultPartSize    = 8 << 20
	defaultConcurrency = 2
	maxCopyObject      = 5 << 30
	copyPartSize       = 512 << 20
)

var (
	bucketRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	keySegmentRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

// ParseS3URL splits an artifact root of the form s3://bucket/prefix into
// the bucket and the key prefix its blobs are kept under ("" or ending in
// "/"). It refuses, naming the part, a bucket name S3 would refuse and a
// prefix with other characters than letters, digits, ".", "_", "-" and "/"
// separators, or with empty, "." or ".." segments.
func ParseS3URL(root string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(root, S3Scheme)
	if !ok {
		return "", "", fmt.Errorf("%s is not an s3:// URL", errs.Quote(root))
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !bucketRE.MatchString(bucket) || strings.Contains(bucket, "..") {
		return "", "", fmt.Errorf("%s: bucket %s is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)", errs.Quote(root), errs.Quote(bucket))
	}
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return bucket, "", nil
	}
	for _, seg := range strings.Split(prefix, "/") {
		if !keySegmentRE.MatchString(seg) || seg == "." || seg == ".." {
			return "", "", fmt.Errorf("%s: prefix segment %s must be letters, digits, '.', '_' or '-' (not empty, '.' or '..')", errs.Quote(root), errs.Quote(seg))
		}
	}
	return bucket, prefix + "/", nil
}

// S3Config says where an S3 store keeps its blobs and how it reaches the
// service. Credentials are not part of it: they come from the SDK's
// standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a web identity
// token file, a shared profile, the instance's or task's role).
type S3Config struct {
	// Root is the s3://bucket/prefix URL (see ParseS3URL).
	Root string
	// Endpoint is the service's URL for S3-compatible services (MinIO,
	// Ceph RGW, moto); empty: AWS S3 of Region.
	Endpoint string
	// Region is the bucket's region; empty: AWS_REGION or the shared
	// config's, and us-east-1 with an Endpoint (most S3-compatible services
	// ignore it).
	Region string
	// PathStyle addresses the bucket in the path (endpoint/bucket/key)
	// rather than in the host name (bucket.endpoint/key), as MinIO and
	// Ceph usually need.
	PathStyle bool
	// PartSize is the size of an upload's parts, each held in memory while
	// it is sent (0: 8 MiB; at least 5 MiB).
	PartSize int64
	// Concurrency is how many parts of one upload are sent at once (0: 2).
	Concurrency int
	// CheckTimeout bounds the start-up checks: finding credentials and
	// reaching the bucket (0: 30s).
	CheckTimeout time.Duration
}

// S3 keeps blobs in an S3 bucket: <prefix>sha256/<2 hex>/<64 hex>. A blob's
// key is only known once its last byte has been hashed, so Put streams the
// upload to a temporary key <prefix>tmp/put-<random> (a multipart upload:
// at most (Concurrency+2) × PartSize bytes in memory, no local disk), then
// copies it inside the bucket to its content address and deletes the
// temporary object. A reader never sees a partial blob; a process killed
// mid-upload leaves a temporary object or an incomplete multipart upload,
// which a lifecycle rule on <prefix>tmp/ expires (see the README).
type S3 struct {
	client   *s3.Client
	tm       *transfermanager.Client
	bucket   string
	prefix   string
	copyMax  int64 // largest object copied with one CopyObject
	copyPart int64 // part size of a multipart copy
}

// NewS3 returns an S3 store for cfg. It fails fast, with an error that says
// what to set, when no credentials are found, when the bucket does not
// exist or when it cannot be reached with them.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	bucket, prefix, err := ParseS3URL(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("blobs: %w", err)
	}
	partSize := cfg.PartSize
	if partSize == 0 {
		partSize = defaultPartSize
	}
	if partSize < minPartSize {
		return nil, fmt.Errorf("blobs: S3 part size %d is under S3's minimum of %d bytes", partSize, minPartSize)
	}
	concurrency := cfg.Concurrency
	if concurrency <= 0 {
		concurrency = defaultConcurrency
	}
	timeout := cfg.CheckTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, err := NewS3Client(cctx, S3Access{Endpoint: cfg.Endpoint, Region: cfg.Region, PathStyle: cfg.PathStyle})
	if err != nil {
		return nil, fmt.Errorf("blobs: %w", err)
	}
	if _, err := client.HeadBucket(cctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		switch status := HTTPStatus(err); {
		case status == http.StatusNotFound:
			return nil, fmt.Errorf("blobs: S3 bucket %q does not exist (create it, or correct EXPHUB_ARTIFACT_ROOT)", bucket)
		case status == http.StatusForbidden:
			return nil, fmt.Errorf("blobs: S3 bucket %q: access denied to these credentials: %w", bucket, err)
		}
		return nil, fmt.Errorf("blobs: S3 bucket %q cannot be reached: %w", bucket, err)
	}
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = concurrency
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		// Abort a failed multipart upload even when the request that
		// drove it was cancelled, so no parts stay behind.
		o.FailTimeout = 30 * time.Second
	})
	return &S3{client: client, tm: tm, bucket: bucket, prefix: prefix, copyMax: maxCopyObject, copyPart: copyPartSize}, nil
}

const credentialsHelp = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or AWS_PROFILE, or run with an instance or task role"

// S3Access is how a client reaches S3: the service's endpoint for an
// S3-compatible one (empty: AWS S3), the region and the addressing.
// Credentials come from the SDK's standard chain.
type S3Access struct {
	Endpoint, Region string
	PathStyle        bool
}

// NewS3Client returns a client for a, once it has found credentials (ctx
// bounds the search). Its errors say what to set.
func NewS3Client(ctx context.Context, a S3Access) (*s3.Client, error) {
	if a.Endpoint != "" {
		if u, err := url.Parse(a.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("S3 endpoint %s is not an http:// or https:// URL", errs.Quote(a.Endpoint))
		}
	}
	opts := []func(*awsconfig.LoadOptions) error{
		// Checksums only where S3 requires them: the SDK's default (CRC32
		// trailers on every upload) is refused by several S3-compatible
		// services, and each blob is verified by its sha256 key anyway.
		awsconfig.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		awsconfig.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if a.Region != "" {
		opts = append(opts, awsconfig.WithRegion(a.Region))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("S3 configuration: %w", err)
	}
	if awsCfg.Region == "" {
		if a.Endpoint == "" {
			return nil, errors.New("no region for S3: set EXPHUB_S3_REGION (or AWS_REGION)")
		}
		awsCfg.Region = "us-east-1"
	}
	if awsCfg.Credentials == nil {
		return nil, errors.New("no credentials for S3: " + credentialsHelp)
	}
	if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("no credentials for S3: %s: %w", credentialsHelp, err)
	}
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if a.Endpoint != "" {
			o.BaseEndpoint = aws.String(a.Endpoint)
		}
		o.UsePathStyle = a.PathStyle
	}), nil
}

// Bucket is the bucket the store keeps its blobs in.
func (s *S3) Bucket() string { return s.bucket }

// Prefix is the key prefix the store keeps its blobs under ("" or ending
// in "/").
func (s *S3) Prefix() string { return s.prefix }

func (s *S3) key(digest string) string {
	return s.prefix + "sha256/" + digest[:2] + "/" + digest
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, r io.Reader, max int64) (Blob, error) {
	var nonce [16]byte
	rand.Read(nonce[:])
	tmp := s.prefix + "tmp/put-" + hex.EncodeToString(nonce[:])
	// Whatever happens, the temporary object goes: after the copy it is
	// garbage, after a failure it may exist. Deleting a missing key is not
	// an error; a failed delete leaves it to the lifecycle rule.
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.client.DeleteObject(dctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(tmp)})
	}()

	body := &hashingReader{ctx: ctx, r: r, max: max, h: sha256.New()}
	_, err := s.tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(tmp), Body: body, ContentType: aws.String("application/octet-stream"),
	})
	switch {
	case body.tooLarge:
		return Blob{}, fmt.Errorf("%w: an artifact file may have at most %d bytes", errs.TooLarge, max)
	case ctx.Err() != nil:
		return Blob{}, ctx.Err()
	case body.readErr != nil:
		return Blob{}, errs.Invalidf("could not read the upload: %s", errs.Clip(body.readErr.Error()))
	case err != nil:
		return Blob{}, errs.Hide(errs.Unavailable, "artifact storage could not write", err)
	case !body.eof:
		return Blob{}, errs.Hide(errs.Unavailable, "artifact storage could not write",
			fmt.Errorf("upload of %s completed after %d bytes, before the end of its body", tmp, body.n))
	}
	b := Blob{Digest: hex.EncodeToString(body.h.Sum(nil)), Size: body.n}
	dst := s.key(b.Digest)
	if ok, err := s.exists(ctx, dst); err != nil {
		return Blob{}, err
	} else if ok {
		return b, nil // stored already: content addressing makes it the same bytes
	}
	if err := s.copy(ctx, tmp, dst, b.Size); err != nil {
		if ctx.Err() != nil {
			return Blob{}, ctx.Err()
		}
		return Blob{}, errs.Hide(errs.Unavailable, "artifact storage could not write", err)
	}
	return b, nil
}

// copy copies the object at src to dst inside the bucket: one CopyObject
// up to copyMax bytes, a multipart copy of copyPart ranges beyond.
func (s *S3) copy(ctx context.Context, src, dst string, size int64) error {
	source := s.bucket + "/" + escapeKey(src)
	if size <= s.copyMax {
		_, err := s.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(dst), CopySource: aws.String(source)})
		if err != nil {
			return fmt.Errorf("copy %s to %s: %w", src, dst, err)
		}
		return nil
	}
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(s.bucket), Key: aws.String(dst),
		ContentType: aws.String("application/octet-stream")})
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	var parts []s3types.CompletedPart
	for off, n := int64(0), int32(1); off < size; off, n = off+s.copyPart, n+1 {
		end := min(off+s.copyPart, size) - 1
		out, err := s.client.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(s.bucket), Key: aws.String(dst),
			UploadId: up.UploadId, PartNumber: aws.Int32(n), CopySource: aws.String(source),
			CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", off, end))})
		if err == nil && out.CopyPartResult == nil {
			err = errors.New("no CopyPartResult")
		}
		if err != nil {
			s.abort(ctx, dst, up.UploadId)
			return fmt.Errorf("copy %s to %s, part %d: %w", src, dst, n, err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.CopyPartResult.ETag})
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(s.bucket), Key: aws.String(dst),
		UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		s.abort(ctx, dst, up.UploadId)
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}

func (s *S3) abort(ctx context.Context, key string, uploadID *string) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	s.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: aws.String(s.bucket), Key: aws.String(key), UploadId: uploadID})
}

// escapeKey escapes a key for the x-amz-copy-source header, segment by
// segment.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// Open implements Store. The content streams from the bucket as it is read.
func (s *S3) Open(ctx context.Context, digest string) (io.ReadCloser, int64, error) {
	if err := CheckDigest(digest); err != nil {
		return nil, 0, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(digest))})
	if HTTPStatus(err) == http.StatusNotFound {
		return nil, 0, fmt.Errorf("blob %s: %w", digest, errs.NotFound)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, errs.Hide(errs.Unavailable, "artifact storage could not read", err)
	}
	if out.ContentLength == nil {
		out.Body.Close()
		return nil, 0, errs.Hide(errs.Unavailable, "artifact storage could not read", fmt.Errorf("GetObject %s: no Content-Length", s.key(digest)))
	}
	return out.Body, *out.ContentLength, nil
}

// Exists implements Store, with a HEAD request. The credentials need
// s3:ListBucket for S3 to answer 404 for a missing key rather than 403.
func (s *S3) Exists(ctx context.Context, digest string) (bool, error) {
	if err := CheckDigest(digest); err != nil {
		return false, err
	}
	return s.exists(ctx, s.key(digest))
}

func (s *S3) exists(ctx context.Context, key string) (bool, error) {
	_, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	switch {
	case err == nil:
		return true, nil
	case HTTPStatus(err) == http.StatusNotFound:
		return false, nil
	case ctx.Err() != nil:
		return false, ctx.Err()
	}
	return false, errs.Hide(errs.Unavailable, "artifact storage could not read", err)
}

// HTTPStatus is the HTTP status of a failed S3 call, 0 when it got none.
// A NoSuchKey or NotFound code counts as 404 whatever the status.
func HTTPStatus(err error) int {
	if err == nil {
		return 0
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchKey", "NotFound", "NoSuchBucket":
			return http.StatusNotFound
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// hashingReader passes on at most max+1 bytes of r, hashing them, and
// fails the read that goes past max: the upload stops there, before any
// byte over the limit is sent. It records why it stopped, so Put can tell
// a refused upload from a client that went away and from a storage error.
// The uploader reads it from one goroutine.
type hashingReader struct {
	ctx      context.Context
	r        io.Reader
	max, n   int64
	h        hash.Hash
	tooLarge bool
	eof      bool
	readErr  error
}

var errTooLarge = errors.New("blobs: upload over the size limit")

func (b *hashingReader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if room := b.max - b.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	switch {
	case b.n > b.max:
		b.tooLarge = true
		return n, errTooLarge
	case err == io.EOF:
		b.eof = true
	case err != nil:
		b.readErr = err
	}
	return n, err
}
