module github.com/exphub/exphub

go 1.26.8
