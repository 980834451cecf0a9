package blobs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// SetCopyLimits lowers the size above which Put copies a blob into place
// with a multipart copy, and that copy's part size, so a test reaches the
// multipart copy without a 5 GiB upload.
func SetCopyLimits(s *S3, max, part int64) {
	s.copyMax, s.copyPart = max, part
}

// Leftovers lists every object in the store's bucket and every multipart
// upload still in progress there ("upload:<key>"), whatever the prefix.
func Leftovers(ctx context.Context, s *S3) ([]string, error) {
	var out []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			out = append(out, aws.ToString(o.Key))
		}
	}
	ups, err := s.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(s.bucket)})
	if err != nil {
		return nil, err
	}
	for _, u := range ups.Uploads {
		out = append(out, "upload:"+aws.ToString(u.Key))
	}
	return out, nil
}
